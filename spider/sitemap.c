/*
 * sitemap.c - sitemaps.org 0.9 parsing with libxml2 (see sitemap.h).
 *
 * Why libxml2's reader (xmlTextReader) and not a DOM: a 50 MiB sitemap as
 * a tree costs several times its size; the reader streams it with memory
 * bounded by the largest element.  The parser runs with XML_PARSE_NONET
 * and without XML_PARSE_NOENT/DTDLOAD so entities are never expanded from
 * outside (no XXE) and entity-expansion bombs are refused by libxml2's
 * own limits.  Gzip is inflated with zlib first because sitemaps are
 * served as application/gzip files, not with Content-Encoding.
 */
#include "sitemap.h"

#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"

void sitemap_release(struct sitemap *sm)
{
	for (size_t i = 0; i < sm->n; i++) {
		free(sm->urls[i]);
		free(sm->lastmod[i]);
	}
	free(sm->urls);
	free(sm->lastmod);
	memset(sm, 0, sizeof(*sm));
}

static enum tj_code gunzip(const char *data, size_t len, struct buf *out)
{
	z_stream zs;
	char chunk[65536];
	int zr;
	enum tj_code rc = TJ_OK;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return tj_error(TJ_ENOMEM, "cannot start gzip decoding");
	zs.next_in = (Bytef *)data;
	zs.avail_in = (uInt)len;
	do {
		zs.next_out = (Bytef *)chunk;
		zs.avail_out = sizeof(chunk);
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			rc = tj_error(TJ_EPARSE, "sitemap: bad gzip data: %s", zs.msg ? zs.msg : "error");
			break;
		}
		if ((rc = buf_add(out, chunk, sizeof(chunk) - zs.avail_out))) {
			rc = tj_error(TJ_ETOOBIG, "sitemap: more than %zu bytes after decompression",
				      SITEMAP_MAX_BYTES);
			break;
		}
	} while (zr != Z_STREAM_END && (zs.avail_in > 0 || zs.avail_out == 0));
	if (!rc && zr != Z_STREAM_END)
		rc = tj_error(TJ_EPARSE, "sitemap: truncated gzip data");
	inflateEnd(&zs);
	return rc;
}

static char *trimmed(const xmlChar *s)
{
	const char *a = (const char *)s, *b;

	while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')
		a++;
	b = a + strlen(a);
	while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\n' || b[-1] == '\r'))
		b--;
	return strndup(a, (size_t)(b - a));
}

static enum tj_code push(struct sitemap *sm, size_t *alloc, char *loc, char *lastmod)
{
	if (sm->n == *alloc) {
		size_t n = *alloc ? *alloc * 2 : 64;
		char **u = realloc(sm->urls, n * sizeof(char *));

		if (!u)
			return TJ_ENOMEM;
		sm->urls = u;
		u = realloc(sm->lastmod, n * sizeof(char *));
		if (!u)
			return TJ_ENOMEM;
		sm->lastmod = u;
		*alloc = n;
	}
	sm->urls[sm->n] = loc;
	sm->lastmod[sm->n] = lastmod;
	sm->n++;
	return TJ_OK;
}

enum tj_code sitemap_parse(const char *data, size_t len, struct sitemap *out)
{
	struct buf raw;
	xmlTextReaderPtr r = NULL;
	size_t alloc = 0;
	char *loc = NULL, *lastmod = NULL;
	enum { NONE, IN_LOC, IN_LASTMOD } field = NONE;
	bool root_seen = false;
	int ret;
	enum tj_code rc = TJ_OK;

	memset(out, 0, sizeof(*out));
	buf_init(&raw, SITEMAP_MAX_BYTES);
	if (len >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b) {
		if ((rc = gunzip(data, len, &raw)))
			goto out;
		data = raw.data;
		len = raw.len;
	}
	if (len > SITEMAP_MAX_BYTES) {
		len = SITEMAP_MAX_BYTES;
		out->truncated = true;
	}
	if (len > (size_t)0x7fffffff) {
		rc = tj_error(TJ_ETOOBIG, "sitemap too large");
		goto out;
	}
	r = xmlReaderForMemory(data ? data : "", (int)len, NULL, NULL,
			       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			       XML_PARSE_NOBLANKS);
	if (!r) {
		rc = tj_error(TJ_ENOMEM, "cannot create an XML reader");
		goto out;
	}
	while ((ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);
		const xmlChar *name = xmlTextReaderConstLocalName(r);

		if (type == XML_READER_TYPE_ELEMENT) {
			if (!root_seen) {
				root_seen = true;
				if (!strcmp((const char *)name, "sitemapindex"))
					out->is_index = true;
				else if (strcmp((const char *)name, "urlset")) {
					rc = tj_error(TJ_EPARSE, "sitemap: root element is <%s>, expected "
						      "<urlset> or <sitemapindex>", (const char *)name);
					goto out;
				}
			}
			if (!strcmp((const char *)name, "loc"))
				field = IN_LOC;
			else if (!strcmp((const char *)name, "lastmod"))
				field = IN_LASTMOD;
			else if (!strcmp((const char *)name, "url") || !strcmp((const char *)name, "sitemap")) {
				free(loc);
				free(lastmod);
				loc = lastmod = NULL;
			}
		} else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) {
			const xmlChar *v = xmlTextReaderConstValue(r);
			char **slot = field == IN_LOC ? &loc : field == IN_LASTMOD ? &lastmod : NULL;

			if (slot && v) {
				free(*slot);
				if (!(*slot = trimmed(v))) {
					rc = tj_error(TJ_ENOMEM, "out of memory");
					goto out;
				}
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (!strcmp((const char *)name, "loc") || !strcmp((const char *)name, "lastmod")) {
				field = NONE;
			} else if ((!strcmp((const char *)name, "url") || !strcmp((const char *)name, "sitemap"))
				   && loc && *loc) {
				if (out->n >= SITEMAP_MAX_URLS) {
					out->truncated = true;
					break;
				}
				if (push(out, &alloc, loc, lastmod)) {
					rc = tj_error(TJ_ENOMEM, "out of memory");
					goto out;
				}
				loc = lastmod = NULL;
			}
		}
	}
	if (ret < 0) {
		const xmlError *e = xmlGetLastError();

		rc = tj_error(TJ_EPARSE, "sitemap: line %d: %s", e ? e->line : 0,
			      e && e->message ? e->message : "XML error");
		if (e) {
			/* libxml2 messages end with a newline; drop it */
			char *msg = strdup(tj_errmsg()), *nl;

			if (msg) {
				if ((nl = strchr(msg, '\n')))
					*nl = '\0';
				rc = tj_error(TJ_EPARSE, "%s", msg);
				free(msg);
			}
		}
		goto out;
	}
	if (!root_seen)
		rc = tj_error(TJ_EPARSE, "sitemap: no XML document");
out:
	if (rc)
		sitemap_release(out);
	free(loc);
	free(lastmod);
	xmlFreeTextReader(r);
	buf_release(&raw);
	return rc;
}
