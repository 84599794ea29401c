/* mapsprobe.c - /proc/PID/maps summed for the cheap tier (mapsprobe.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "smapwatch/error.h"
#include "smapwatch/mapsprobe.h"

void sw_maps_probe_begin(sw_maps_probe *p)
{
	memset(p, 0, sizeof(*p));
}

static int hexdigit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static const char *hex(const char *s, const char *e, uint64_t *v)
{
	int n = 0, d;
	for (*v = 0; s < e && (d = hexdigit((unsigned char)*s)) >= 0; s++)
		if (++n > 16)
			return NULL;
		else
			*v = *v << 4 | (uint64_t)d;
	return n ? s : NULL;
}

/* Skips one field and the blanks after it. */
static const char *field(const char *s, const char *e)
{
	while (s < e && *s != ' ')
		s++;
	while (s < e && *s == ' ')
		s++;
	return s;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

/* One line [s, e) without its newline. */
static int line(sw_maps_probe *p, const char *s, const char *e)
{
	uint64_t start, end, h = 0;
	s = hex(s, e, &start);
	if (!s || s >= e || *s != '-' || !(s = hex(s + 1, e, &end)) ||
	    end < start || e - s < 6 || s[0] != ' ' || s[5] != ' ')
		return -SW_ESYNTAX;
	const char *perms = s + 1, *name = field(field(field(s + 6, e), e), e);
	for (const char *c = name; c < e; c++)
		h = h * 131 + (unsigned char)*c;
	p->mappings++;
	p->layout = mix(p->layout, mix(mix(start, end), h ^ (uint64_t)perms[1] << 8 ^
				       (uint64_t)perms[3]));
	int anon = name == e || *name == '[';
	if (anon && perms[3] == 'p' && strncmp(name, "[v", 2) != 0)
		p->anon_bytes += end - start;
	return 0;
}

ssize_t sw_maps_probe_feed(sw_maps_probe *p, const char *buf, size_t len)
{
	size_t pos = 0;
	for (;;) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		if (!nl)
			return (ssize_t)pos;
		int r = line(p, s, nl);
		if (r)
			return r;
		pos = (size_t)(nl + 1 - buf);
	}
}

void sw_maps_probe_add(sw_maps_probe *dst, const sw_maps_probe *src)
{
	dst->mappings += src->mappings;
	dst->anon_bytes += src->anon_bytes;
	dst->layout += src->layout;
}

static int read_all(int fd, char *buf, size_t cap, sw_maps_probe *out)
{
	size_t have = 0;
	for (;;) {
		ssize_t n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return have ? -SW_ETRUNC : 0;
		have += (size_t)n;
		ssize_t used = sw_maps_probe_feed(out, buf, have);
		if (used < 0)
			return (int)used;
		have -= (size_t)used;
		if (have == cap)
			return -SW_ETOOLONG;
		memmove(buf, buf + used, have);
	}
}

int sw_maps_probe_read_at(int dirfd, char *buf, size_t cap, sw_maps_probe *out)
{
	/* O_NONBLOCK: a FIFO in a saved tree cannot hang the open */
	int fd = openat(dirfd, "maps", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	sw_maps_probe_begin(out);
	int r = read_all(fd, buf, cap, out);
	close(fd);
	return r;
}

static int moved(uint64_t then, uint64_t now, uint64_t floor)
{
	uint64_t d = now > then ? now - then : then - now;
	return d >= floor && d * 10 >= then;
}

int sw_maps_warrants_full(const sw_maps_probe *then, const sw_maps_probe *now)
{
	return moved(then->mappings, now->mappings, SW_MAPS_MIN_MAPPINGS) ||
	       moved(then->anon_bytes, now->anon_bytes, SW_MAPS_MIN_ANON);
}
