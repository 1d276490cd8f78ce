#include <err.h>
#include <errno.h>
#include <readpassphrase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"

/* Identity files, loaded once per run however many hosts use them. */
struct key {
	char *path;
	ssh_key key;		/* NULL: unusable */
	char *problem;		/* why it is unusable, NULL when missing */
	int bad_mode;		/* the problem is its permissions */
};

static struct key *keys;
static size_t nkeys, capkeys;
static int no_terminal;

/* Read a secret from the terminal without echo; NULL without a terminal. */
char *
ask_secret(const char *prompt)
{
	char buf[1024], *s;

	if (!readpassphrase(prompt, buf, sizeof buf, RPP_REQUIRE_TTY))
		return NULL;
	s = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	return s;
}

static int
passphrase_cb(const char *prompt, char *buf, size_t len, int echo, int verify,
    void *userdata)
{
	const char *path = userdata;
	char *p = xasprintf("Enter passphrase for key '%s': ", path);
	char *pass = ask_secret(p);

	free(p);
	if (!pass) {
		no_terminal = 1;
		return -1;
	}
	snprintf(buf, len, "%s", pass);
	explicit_bzero(pass, strlen(pass));
	free(pass);
	return 0;
}

/* The key file's text, read here so that an open or read error says so. */
static char *
read_key_file(const char *path, char **problem)
{
	struct herd_buf b = { 0 };
	char chunk[4096];
	size_t n;
	FILE *fp = fopen(path, "re");

	if (!fp) {
		*problem = xasprintf("cannot open key '%s': %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		herd_buf_add(&b, chunk, n);
	if (ferror(fp)) {
		*problem = xasprintf("cannot read key '%s': %s", path, strerror(errno));
		fclose(fp);
		explicit_bzero(b.p, b.len);
		herd_buf_free(&b);
		return NULL;
	}
	fclose(fp);
	herd_buf_addc(&b, '\0');
	return herd_buf_steal(&b);
}

static void
load(struct key *k)
{
	struct stat st;
	char *text;
	int tries, rc;

	if (stat(k->path, &st) < 0)
		return;		/* missing: skipped, like ssh */
	if ((st.st_mode & 077) && st.st_uid == getuid()) {
		k->problem = xasprintf("permissions %04o for '%s' are too open",
		    (unsigned)(st.st_mode & 07777), k->path);
		k->bad_mode = 1;
		return;
	}
	if (!(text = read_key_file(k->path, &k->problem)))
		return;
	rc = ssh_pki_import_privkey_base64(text, NULL, NULL, NULL, &k->key);
	for (tries = 0; rc != SSH_OK && tries < 3 && !no_terminal; tries++) {
		rc = ssh_pki_import_privkey_base64(text, NULL, passphrase_cb, k->path,
		    &k->key);
		if (rc != SSH_OK && !no_terminal)
			fprintf(stderr, "Bad passphrase, try again.\n");
	}
	explicit_bzero(text, strlen(text));
	free(text);
	if (rc != SSH_OK) {
		k->key = NULL;
		k->problem = xasprintf("cannot load key '%s' (encrypted without a "
		    "terminal to ask, or not a private key)", k->path);
	}
}

static struct key *
find(const char *path)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (!strcmp(keys[i].path, path))
			return &keys[i];
	herd_grow(&keys, &capkeys, nkeys, sizeof *keys);
	keys[nkeys].path = xstrdup(path);
	load(&keys[nkeys]);
	return &keys[nkeys++];
}

/* Load every identity the connections will use, asking passphrases before connecting. */
void
keys_preload(struct conn **conns, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < conns[i]->keys.n; j++)
			find(conns[i]->keys.v[j]);
}

ssh_key
keys_get(const char *path, const char **problem, int *bad_mode)
{
	struct key *k = find(path);

	*problem = k->problem;
	*bad_mode = k->bad_mode;
	return k->key;
}

void
keys_free(void)
{
	size_t i;

	for (i = 0; i < nkeys; i++) {
		ssh_key_free(keys[i].key);
		free(keys[i].path);
		free(keys[i].problem);
	}
	free(keys);
	keys = NULL;
	nkeys = capkeys = 0;
}

static void
fail_auth(struct conn *j)
{
	if (j->key_problem && j->key_bad_mode) {
		conn_fail(j, S_FAILED, xasprintf("key file permissions: %s", j->key_problem),
		    "chmod 600 the private key (ssh refuses keys others can read)");
		return;
	}
	if (j->key_problem) {
		conn_fail(j, S_FAILED, xasprintf("auth: %s", j->key_problem),
		    "run herd-run on a terminal to be asked the passphrase, or add "
		    "the key to ssh-agent");
		return;
	}
	conn_fail(j, S_FAILED, xasprintf("auth: permission denied for %s@%s (tried %s%s%s)",
	    j->user, j->target, j->use_agent ? "agent, " : "",
	    j->keys.n ? "keys" : "no keys", j->try_password ? ", password" : ""),
	    "check the user and that the key is in the host's authorized_keys; "
	    "try ssh -v");
}

/* SSH_AUTH_SUCCESS, SSH_AUTH_AGAIN or SSH_AUTH_DENIED/ERROR (the connection failed). */
int
authenticate(struct conn *j, const struct options *o)
{
	const char *problem;
	ssh_key key;
	int rc, bad_mode;

	for (;;) {
		switch (j->auth_step) {
		case 0:
			rc = j->use_agent ? ssh_userauth_agent(j->session, NULL) :
			    SSH_AUTH_DENIED;
			break;
		case 1:
			if (j->key_index >= j->keys.n) {
				j->auth_step++;
				continue;
			}
			key = keys_get(j->keys.v[j->key_index], &problem, &bad_mode);
			if (!key) {
				if (problem && !j->key_problem) {
					j->key_problem = xstrdup(problem);
					j->key_bad_mode = bad_mode;
				}
				j->key_index++;
				continue;
			}
			rc = ssh_userauth_publickey(j->session, NULL, key);
			if (rc == SSH_AUTH_DENIED || rc == SSH_AUTH_PARTIAL) {
				j->key_index++;
				continue;
			}
			break;
		case 2:
			rc = j->try_password ?
			    ssh_userauth_password(j->session, NULL, o->password) :
			    SSH_AUTH_DENIED;
			break;
		default:
			fail_auth(j);
			return SSH_AUTH_DENIED;
		}
		if (rc == SSH_AUTH_SUCCESS || rc == SSH_AUTH_AGAIN)
			return rc;
		if (rc == SSH_AUTH_ERROR &&
		    ssh_get_error_code(j->session) == SSH_FATAL) {
			conn_fail(j, S_FAILED, NULL, NULL);
			return rc;
		}
		j->auth_step++;
	}
}
