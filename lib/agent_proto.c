/* agent_proto.c - parse and format the peer agent's lines (tb_agent.h).
 *
 * Strict on purpose: every byte of a line is checked, so that what the
 * agent accepts is exactly what docs/peer-protocol.md describes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tb_agent.h"

static void say(char *err, size_t n, const char *fmt, const char *arg)
{
	if (n)
		snprintf(err, n, fmt, arg ? arg : "");
}

static int is_key_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_val_char(int c)
{
	return c > 0x20 && c < 0x7f;
}

/* Strip LF and one CR; reject other control bytes (NUL included). */
static int line_body(const char *line, size_t *len, char *err, size_t n)
{
	size_t i, l = *len;

	if (l > 0 && line[l - 1] == '\n')
		l--;
	else if (l >= TB_AGENT_LINE_MAX)
		l++;		/* would not fit with its LF either */
	if (l + 1 > TB_AGENT_LINE_MAX) {
		say(err, n, "line longer than 512 bytes", NULL);
		return TB_AGENT_OVERSIZED;
	}
	if (l > 0 && line[l - 1] == '\r')
		l--;
	for (i = 0; i < l; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c < 0x20 || c >= 0x7f) {
			say(err, n, c ? "control or non-ASCII byte" :
			    "NUL byte", NULL);
			return TB_AGENT_MALFORMED;
		}
	}
	*len = l;
	return 0;
}

/* One key=value word [s, s + l) into kv. */
static int parse_pair(const char *s, size_t l, struct tb_agent_kv *kv,
		      char *err, size_t n)
{
	const char *eq = memchr(s, '=', l);
	size_t kl, vl, i;

	if (!eq) {
		say(err, n, "word without '='", NULL);
		return TB_AGENT_MALFORMED;
	}
	kl = (size_t)(eq - s);
	vl = l - kl - 1;
	if (kl == 0 || kl > TB_AGENT_KEY_MAX) {
		say(err, n, kl ? "key longer than 16" : "empty key", NULL);
		return TB_AGENT_MALFORMED;
	}
	for (i = 0; i < kl; i++)
		if (!is_key_char((unsigned char)s[i])) {
			say(err, n, "key with a byte not in [a-z0-9_]", NULL);
			return TB_AGENT_MALFORMED;
		}
	if (vl > TB_AGENT_VAL_MAX) {
		say(err, n, "value longer than 128", NULL);
		return TB_AGENT_MALFORMED;
	}
	memcpy(kv->key, s, kl);
	kv->key[kl] = '\0';
	memcpy(kv->val, eq + 1, vl);
	kv->val[vl] = '\0';
	return 0;
}

static int add_pair(struct tb_agent_msg *m, const char *s, size_t l,
		    char *err, size_t n)
{
	int i, rc;

	if (m->npairs == TB_AGENT_PAIRS) {
		say(err, n, "more than 12 key=value words", NULL);
		return TB_AGENT_MALFORMED;
	}
	rc = parse_pair(s, l, &m->kv[m->npairs], err, n);
	if (rc)
		return rc;
	for (i = 0; i < m->npairs; i++)
		if (!strcmp(m->kv[i].key, m->kv[m->npairs].key)) {
			say(err, n, "%s", m->kv[i].key);
			return TB_AGENT_DUPLICATE;
		}
	m->npairs++;
	return 0;
}

/* The words after the verb: [s, end). */
static int parse_pairs(struct tb_agent_msg *m, const char *s,
		       const char *end, char *err, size_t n)
{
	while (s < end) {
		const char *sp = memchr(s, ' ', (size_t)(end - s));
		const char *we = sp ? sp : end;
		int rc;

		if (we == s || (sp && sp + 1 == end)) {
			say(err, n, "empty word (two spaces, or a space at "
			    "the end)", NULL);
			return TB_AGENT_MALFORMED;
		}
		rc = add_pair(m, s, (size_t)(we - s), err, n);
		if (rc)
			return rc;
		s = sp ? sp + 1 : end;
	}
	return 0;
}

/* The verb at the start of [s, end); returns its end or NULL. */
static const char *parse_verb(struct tb_agent_msg *m, const char *s,
			      const char *end, int dash, char *err, size_t n)
{
	const char *p = s;

	while (p < end && ((*p >= 'A' && *p <= 'Z') || (dash && *p == '-')))
		p++;
	if (p == s || (p < end && *p != ' ') || p - s > TB_AGENT_VERB_MAX) {
		say(err, n, p == s ? "no verb (A-Z) at the start" :
		    p - s > TB_AGENT_VERB_MAX ? "verb longer than 16" :
		    "verb with a byte not in [A-Z]", NULL);
		return NULL;
	}
	memcpy(m->verb, s, (size_t)(p - s));
	m->verb[p - s] = '\0';
	return p;
}

int tb_agent_parse(const char *line, size_t len, struct tb_agent_msg *m,
		   char *err, size_t n)
{
	const char *p, *end;
	int rc;

	memset(m, 0, sizeof(*m));
	say(err, n, "", NULL);
	rc = line_body(line, &len, err, n);
	if (rc)
		return rc;
	end = line + len;
	p = parse_verb(m, line, end, 0, err, n);
	if (!p)
		return TB_AGENT_MALFORMED;
	if (p == end)
		return 0;
	return parse_pairs(m, p + 1, end, err, n);
}

static int is_code_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* "ERR code[ text]" after line_body(). */
static int parse_err(const char *line, size_t len, struct tb_agent_msg *m,
		     char *err, size_t n)
{
	const char *s = line + 4, *end = line + len, *p = s;

	if (len < 5 || line[3] != ' ') {
		say(err, n, "ERR without a code", NULL);
		return TB_AGENT_MALFORMED;
	}
	while (p < end && is_code_char((unsigned char)*p))
		p++;
	if (p == s || p - s > TB_AGENT_CODE_MAX || (p < end && *p != ' ')) {
		say(err, n, "bad ERR code", NULL);
		return TB_AGENT_MALFORMED;
	}
	strcpy(m->verb, "ERR");
	memcpy(m->code, s, (size_t)(p - s));
	m->code[p - s] = '\0';
	if (p < end) {
		memcpy(m->text, p + 1, (size_t)(end - p - 1));
		m->text[end - p - 1] = '\0';
	}
	return 0;
}

int tb_agent_parse_reply(const char *line, size_t len, struct tb_agent_msg *m,
			 char *err, size_t n)
{
	size_t l = len;
	int rc;

	if (l >= 3 && !memcmp(line, "ERR", 3) && (l == 3 || line[3] == ' ' ||
						  line[3] == '\n')) {
		memset(m, 0, sizeof(*m));
		rc = line_body(line, &l, err, n);
		return rc ? rc : parse_err(line, l, m, err, n);
	}
	rc = tb_agent_parse(line, len, m, err, n);
	if (rc == 0 && strcmp(m->verb, "OK") && strcmp(m->verb, "DATA")) {
		say(err, n, "reply '%s' is not OK, DATA or ERR", m->verb);
		return TB_AGENT_MALFORMED;
	}
	return rc;
}

int tb_agent_greeting(const char *line, size_t len)
{
	static const char pre[] = "TWINBENCH-PEER 1 ";
	size_t l = len, pl = sizeof(pre) - 1;

	if (line_body(line, &l, NULL, 0) || l < pl || memcmp(line, pre, pl))
		return -1;
	if (l - pl == 5 && !memcmp(line + pl, "ready", 5))
		return 1;
	if (l - pl == 4 && !memcmp(line + pl, "busy", 4))
		return 0;
	return -1;
}

void tb_agent_msg_init(struct tb_agent_msg *m, const char *verb)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->verb, sizeof(m->verb), "%s", verb);
}

int tb_agent_add(struct tb_agent_msg *m, const char *key, const char *val)
{
	char word[TB_AGENT_KEY_MAX + TB_AGENT_VAL_MAX + 2];
	size_t i, vl = strlen(val);
	int n;

	for (i = 0; i < vl; i++)
		if (!is_val_char((unsigned char)val[i]))
			return -1;
	n = snprintf(word, sizeof(word), "%s=%s", key, val);
	if (n < 0 || (size_t)n >= sizeof(word) || strchr(key, '='))
		return -1;
	return add_pair(m, word, (size_t)n, NULL, 0) ? -1 : 0;
}

int tb_agent_add_u64(struct tb_agent_msg *m, const char *key, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	return tb_agent_add(m, key, num);
}

int tb_agent_format(const struct tb_agent_msg *m, char *buf, size_t n)
{
	size_t len, i;
	int k, w;

	len = strlen(m->verb);
	for (i = 0; i < len; i++)
		if (m->verb[i] < 'A' || m->verb[i] > 'Z')
			return -1;
	if (len == 0 || len >= n || n > (size_t)1 << 30)
		return -1;
	memcpy(buf, m->verb, len + 1);
	for (k = 0; k < m->npairs; k++) {
		w = snprintf(buf + len, n - len, " %s=%s", m->kv[k].key,
			     m->kv[k].val);
		if (w < 0 || (size_t)w >= n - len)
			return -1;
		len += (size_t)w;
	}
	if (len + 1 >= n || len + 1 > TB_AGENT_LINE_MAX)
		return -1;
	buf[len++] = '\n';
	buf[len] = '\0';
	return (int)len;
}

int tb_agent_format_err(char *buf, size_t n, const char *code,
			const char *text)
{
	size_t len, i, cl = strlen(code);

	if (cl == 0 || cl > TB_AGENT_CODE_MAX || n < cl + 6)
		return -1;
	for (i = 0; i < cl; i++)
		if (!is_code_char((unsigned char)code[i]))
			return -1;
	len = (size_t)snprintf(buf, n, "ERR %s", code);
	if (text && *text) {
		buf[len++] = ' ';
		for (; *text && len + 2 < n && len + 1 < TB_AGENT_LINE_MAX;
		     text++) {
			unsigned char c = (unsigned char)*text;

			buf[len++] = c < 0x20 || c >= 0x7f ? ' ' : (char)c;
		}
	}
	buf[len++] = '\n';
	buf[len] = '\0';
	return (int)len;
}

const char *tb_agent_get(const struct tb_agent_msg *m, const char *key)
{
	int i;

	for (i = 0; i < m->npairs; i++)
		if (!strcmp(m->kv[i].key, key))
			return m->kv[i].val;
	return NULL;
}

const char *tb_agent_unknown_key(const struct tb_agent_msg *m,
				 const char *const *allowed)
{
	int i;
	size_t a;

	for (i = 0; i < m->npairs; i++) {
		for (a = 0; allowed[a]; a++)
			if (!strcmp(m->kv[i].key, allowed[a]))
				break;
		if (!allowed[a])
			return m->kv[i].key;
	}
	return NULL;
}
