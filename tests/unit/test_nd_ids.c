/* test_nd_ids.c - a property test of the Netdata plugin's sanitizers:
 * 10,000 random byte strings as process or library names (fixed seed),
 * and on each output the protocol's rules (see plugins/netdata/ids.h):
 * an id holds only [A-Za-z0-9_-] and is never empty; a free text holds no
 * byte that ends its quotes or its line; both fit their
 * buffer; a JSON string parses back to the same bytes. */
#include "fixture.h"
#include "ids.h"
#include "smapwatch/escape.h"

static int id_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* What, inside the single quotes a free text is always written in, ends
 * the quote or the line in 1.37.1's parser (a space or '=' does not). */
static int breaks_quoted(unsigned char c)
{
	return c == '\'' || c == '"' || c == '\\' || c == '\r' || c == '\n' ||
	       c == '\0';
}

/* Decodes the JSON string sw_json_string wrote (quotes included). */
static size_t json_decode(const char *s, char *out)
{
	size_t n = 0;
	assert_int_equal(*s++, '"');
	while (*s != '"') {
		unsigned char c = (unsigned char)*s++;
		assert_true(c >= 0x20 && c < 0x7f);   /* printable ASCII only */
		if (c != '\\') {
			out[n++] = (char)c;
			continue;
		}
		assert_int_equal(*s++, 'u');
		unsigned v;
		assert_int_equal(sscanf(s, "%4x", &v), 1);
		assert_true(v < 256);
		out[n++] = (char)v;
		s += 4;
	}
	assert_int_equal(s[1], '\0');
	return n;
}

static void test_random_names(void **state)
{
	(void)state;
	uint64_t seed = 7;
	char raw[300], id[ND_ID_MAX], text[ND_TEXT_MAX + 1], back[300];
	for (int i = 0; i < 10000; i++) {
		size_t len = fx_rand(&seed) % sizeof(raw);
		for (size_t k = 0; k < len; k++)
			raw[k] = (char)(fx_rand(&seed) % 256);
		nd_id(id, sizeof(id), raw, len);
		size_t n = strlen(id);
		assert_true(n > 0 && n < sizeof(id));
		for (size_t k = 0; k < n; k++)
			assert_true(id_char((unsigned char)id[k]));
		nd_text(text, sizeof(text), raw, len);
		n = strlen(text);
		assert_true(n <= ND_TEXT_MAX && n <= len);
		for (size_t k = 0; k < n; k++)
			assert_false(breaks_quoted((unsigned char)text[k]));
		char *json = NULL;
		size_t jl = 0;
		FILE *f = open_memstream(&json, &jl);
		sw_json_string(f, raw, len);
		fclose(f);
		assert_int_equal(json_decode(json, back), len);
		assert_memory_equal(back, raw, len);
		free(json);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
