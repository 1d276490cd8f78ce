/*
 * Loading the configuration (herd-config(5)): the YAML document, then each
 * top-level section by the file that knows it, as the table below says.
 */
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf_int.h"

/*
 * The sections, in the order they are read and summarised by config
 * validate; export sorts them by key.  A new section is a file
 * conf_<section>.c and a line here.
 */
extern const struct herd_conf_section herd_conf_groups, herd_conf_defaults,
    herd_conf_recipes, herd_conf_parsers, herd_conf_notifications,
    herd_conf_history;

const struct herd_conf_section *const herd_conf_sections[] = {
	&herd_conf_groups,
	&herd_conf_defaults,
	&herd_conf_recipes,
	&herd_conf_parsers,
	&herd_conf_notifications,
	&herd_conf_history,
};
const size_t herd_conf_nsections = LENGTH(herd_conf_sections);

/* "groups, defaults, recipes, parsers, notifications or history" */
static char *
section_list(void)
{
	struct herd_buf b = { 0 };
	size_t i;

	for (i = 0; i < herd_conf_nsections; i++) {
		if (i)
			herd_buf_adds(&b, i + 1 < herd_conf_nsections ? ", " : " or ");
		herd_buf_adds(&b, herd_conf_sections[i]->key);
	}
	return herd_buf_steal(&b);
}

/*
 * A NUL, written as "\0", would cut a string short where the loader reads
 * it as a C string: "a\0b" and "a\0c" would both be a group "a".
 */
static int
has_nul(struct herd_walk *w)
{
	yaml_node_t *n;
	int found = 0;

	for (n = w->doc->nodes.start; n < w->doc->nodes.top; n++)
		if (n->type == YAML_SCALAR_NODE &&
		    strlen(herd_walk_scalar(n)) != n->data.scalar.length) {
			herd_walk_fail(w, n, "a NUL character (\\0) is not allowed");
			found = 1;
		}
	return found;
}

static void
top(struct herd_walk *w, yaml_node_t *root)
{
	const char *keys[LENGTH(herd_conf_sections)];
	const struct herd_conf_section *s;
	char *list, *what;
	yaml_node_t *v;
	size_t i;
	int bad;

	if (herd_walk_is_null(root) || has_nul(w))
		return;
	list = section_list();
	what = xasprintf("a mapping with %s", list);
	bad = herd_walk_expect(w, root, YAML_MAPPING_NODE, what, "top level") < 0;
	free(what);
	free(list);
	if (bad)
		return;
	for (i = 0; i < herd_conf_nsections; i++)
		keys[i] = herd_conf_sections[i]->key;
	herd_walk_keys(w, root, keys, herd_conf_nsections, "top level");
	for (i = 0; i < herd_conf_nsections; i++) {
		s = herd_conf_sections[i];
		if ((v = herd_walk_get(w, root, s->key)))
			s->parse(w, v);
	}
}

/* Messages quote the file's name, which may hold anything. */
static void
add_safe(struct herd_config *cfg, const char *msg)
{
	char *safe = herd_safe(msg);

	herd_strv_add(&cfg->errors, safe);
	free(safe);
}

static void __attribute__((format(printf, 2, 3)))
add_error(struct herd_config *cfg, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) >= 0) {
		add_safe(cfg, msg);
		free(msg);
	}
	va_end(ap);
}

/*
 * The file could not be read for a reason of the system's (descriptors,
 * memory, I/O), not of the user's: -2, and the programs exit
 * HERD_EXIT_RUNTIME.
 */
static int
system_error(struct herd_config *cfg, const char *file, int err)
{
	add_error(cfg, "%s: %s", file, strerror(err));
	return -2;
}

/* Why a file cannot be opened that is the user's to fix: the file named. */
static int
users_error(int err)
{
	return err == ENOENT || err == ENOTDIR || err == EISDIR || err == EACCES ||
	    err == EPERM || err == ELOOP || err == ENAMETOOLONG;
}

/* The line and column of a byte offset in f, counting UTF-8 characters. */
static yaml_mark_t
offset_mark(FILE *f, size_t offset)
{
	yaml_mark_t m = { 0, 0, 0 };
	int c;

	rewind(f);
	for (; m.index < offset && (c = getc(f)) != EOF; m.index++)
		if (c == '\n') {
			m.line++;
			m.column = 0;
		} else if ((c & 0xc0) != 0x80) {
			m.column++;
		}
	return m;
}

/*
 * A syntax error is placed where the parser noticed it, except at the end
 * of the file (an unclosed quote or bracket): there, the position of what
 * was left open says more than the end of the file.
 */
static void
syntax_error(struct herd_config *cfg, const char *file, FILE *f, yaml_parser_t *p)
{
	struct herd_buf b = { 0 };
	yaml_mark_t m = p->problem_mark;

	if (p->error == YAML_READER_ERROR)
		m = offset_mark(f, p->problem_offset);
	else if (p->context && p->eof && p->unread <= 1 && m.index == p->mark.index)
		m = p->context_mark;
	herd_buf_addf(&b, "%s:%zu:%zu: YAML syntax error: %s", file, m.line + 1,
	    m.column + 1, p->problem ? p->problem : "unknown");
	if (p->error == YAML_READER_ERROR && p->problem_value >= 0)
		herd_buf_addf(&b, " (0x%02x)", (unsigned)p->problem_value);
	if (p->context)
		herd_buf_addf(&b, " (%s at line %zu)", p->context, p->context_mark.line + 1);
	add_safe(cfg, b.p);
	herd_buf_free(&b);
}

/* The parser failed: a syntax error (-1), or the system's (-2). */
static int
load_failed(struct herd_config *cfg, const char *file, FILE *f, yaml_parser_t *p)
{
	if (p->error == YAML_MEMORY_ERROR || ferror(f))
		return system_error(cfg, file, ferror(f) ? errno : ENOMEM);
	syntax_error(cfg, file, f, p);
	return -1;
}

/* A second document in the file is an error (-1), not silently ignored. */
static int
second_document(struct herd_config *cfg, const char *file, FILE *f,
    yaml_parser_t *p)
{
	yaml_document_t doc;
	int rc = 0;

	if (!yaml_parser_load(p, &doc))
		return load_failed(cfg, file, f, p);
	if (yaml_document_get_root_node(&doc)) {
		add_error(cfg, "%s:%zu:%zu: only one YAML document is allowed", file,
		    doc.start_mark.line + 1, doc.start_mark.column + 1);
		rc = -1;
	}
	yaml_document_delete(&doc);
	return rc;
}

char *
herd_conf_locate(const char *opt, int *must_exist)
{
	const char *env = getenv("HERD_CONFIG");

	*must_exist = 1;
	if (opt)
		return xstrdup(opt);
	if (env && *env)
		return xstrdup(env);
	*must_exist = 0;
	return herd_default_config_path();
}

int
herd_conf_load(struct herd_config *cfg, const char *path, int must_exist)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct herd_walk w = { .cfg = cfg, .doc = &doc, .file = path };
	yaml_node_t *root;
	struct stat st;
	FILE *f;
	size_t i;
	int rc = -1;

	memset(cfg, 0, sizeof *cfg);
	for (i = 0; i < herd_conf_nsections; i++)
		if (herd_conf_sections[i]->init)
			herd_conf_sections[i]->init(cfg);
	if (!path)
		return 0;
	if (!(f = fopen(path, "r"))) {
		if (errno == ENOENT && !must_exist)
			return 0;
		if (!users_error(errno))
			return system_error(cfg, path, errno);
		add_error(cfg, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		add_error(cfg, "%s: %s", path, strerror(EISDIR));
		fclose(f);
		return -1;
	}
	cfg->path = xstrdup(path);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = load_failed(cfg, path, f, &parser);
	} else {
		/* a walk without aliases visits each node a few times */
		w.budget = 64 * (size_t)(doc.nodes.top - doc.nodes.start) + 4096;
		if ((root = yaml_document_get_root_node(&doc)))
			top(&w, root);
		yaml_document_delete(&doc);
		if (!cfg->errors.n)
			rc = second_document(cfg, path, f, &parser);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return cfg->errors.n ? rc : 0;
}

void
herd_conf_load_or_die(struct herd_config *cfg, const char *opt)
{
	int must, rc;
	char *path = herd_conf_locate(opt, &must);

	if ((rc = herd_conf_load(cfg, path, must)) < 0) {
		herd_conf_print_errors(cfg, rc);
		herd_conf_free(cfg);
		free(path);
		exit(rc == -2 ? HERD_EXIT_RUNTIME : HERD_EXIT_USAGE);
	}
	free(path);
}

void
herd_conf_print_errors(const struct herd_config *cfg, int rc)
{
	size_t i;

	if (rc == -2) {
		for (i = 0; i < cfg->errors.n; i++)
			fprintf(stderr, "%s: %s\n", getprogname(), cfg->errors.v[i]);
		return;
	}
	for (i = 0; i < cfg->errors.n; i++)
		fprintf(stderr, "%s\n", cfg->errors.v[i]);
	fprintf(stderr, "%s: %zu error%s in the configuration\n", getprogname(),
	    cfg->errors.n, cfg->errors.n == 1 ? "" : "s");
}

void
herd_conf_count(struct herd_buf *b, size_t n, const char *one, const char *many)
{
	herd_buf_addf(b, "%s%zu %s", b->len ? ", " : "", n, n == 1 ? one : many);
}

char *
herd_conf_summary(const struct herd_config *cfg)
{
	struct herd_buf b = { 0 };
	size_t i;

	herd_buf_adds(&b, "");
	for (i = 0; i < herd_conf_nsections; i++)
		if (herd_conf_sections[i]->summary)
			herd_conf_sections[i]->summary(cfg, &b);
	return herd_buf_steal(&b);
}

void
herd_conf_free(struct herd_config *cfg)
{
	size_t i;

	for (i = 0; i < herd_conf_nsections; i++)
		herd_conf_sections[i]->free(cfg);
	free(cfg->path);
	herd_strv_free(&cfg->errors);
	memset(cfg, 0, sizeof *cfg);
}
