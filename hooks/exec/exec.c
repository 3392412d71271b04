/*
 * exec: runs external programs, as a post-write formatter and as a
 * notification hook.
 *
 * Formatter (kind = "formatter"), after Alembic's `exec` post-write hook:
 *   executable  program to run, found on $PATH (required)
 *   options     its arguments, split like a shell (quotes, backslashes);
 *               the token REVISION_SCRIPT_FILENAME is replaced by the
 *               file's path, and prepended when absent, as Alembic does
 *               (default: "REVISION_SCRIPT_FILENAME")
 *   cwd         working directory (optional)
 * It runs without a shell; its output goes to the host's log; a non-zero
 * exit or a signal fails the command.
 *
 * Notification hook (kind = "notify"):
 *   command     run with /bin/sh -c (required)
 *   cwd         working directory (optional)
 *   timeout     seconds before the command (its whole process group) is
 *               killed; 0 waits forever (default 30)
 * The event goes in as RETORT_* environment variables (unset for absent
 * fields) and as one JSON object on standard input.
 *
 * Children inherit standard input, output and error only (every other
 * descriptor is made close-on-exec in the child); SIGPIPE is blocked while we
 * feed a child's standard input, so a hook that ignores it cannot kill
 * retort.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <retort/formatter.h>
#include <retort/notify.h>
#include <retort/plugin.h>

#include "hookutil.h"

extern char **environ;

#define TOKEN "REVISION_SCRIPT_FILENAME"
#define DEFAULT_TIMEOUT 30
#define CAPTURE_MAX (64 * 1024) /* bytes of each output stream kept */
#define FIRST_LINE_MAX 300

typedef struct exec_state {
	const retort_host *host;
	retort_plugin_kind kind;
	/* formatter */
	char *executable;
	char **args; /* option tokens; one contains TOKEN */
	size_t nargs;
	/* notify */
	char *command;
	long long timeout_s;
	/* both */
	char *cwd;
} exec_state;

static void state_free(exec_state *st)
{
	const retort_host *host;
	size_t i;
	if (!st)
		return;
	host = st->host;
	for (i = 0; i < st->nargs; i++)
		host->free(st->args[i]);
	host->free(st->args);
	host->free(st->executable);
	host->free(st->command);
	host->free(st->cwd);
	host->free(st);
}

static void exec_fini(void *state)
{
	state_free(state);
}

/* ---- settings ---- */

static int check_keys(const retort_host *host, retort_host_ctx *h, const retort_settings *s,
                      const char *const *allowed)
{
	const char *key = NULL;
	while ((key = host->setting_next_key(s, key)) != NULL) {
		size_t i;
		int ok = 0;
		for (i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], key) == 0)
				ok = 1;
		if (!ok) {
			host->setting_error(h, s, key, "unknown setting '%s'", key);
			return RETORT_EINVAL;
		}
	}
	return RETORT_OK;
}

/* A string setting: RETORT_OK (copied into *out), or absent (*out NULL) when not required. */
static int get_string(const retort_host *host, retort_host_ctx *h, const retort_settings *s, const char *key,
                      int required, char **out)
{
	const char *v = NULL;
	int rc = host->setting_string(s, key, &v);
	*out = NULL;
	if (rc == RETORT_ENOTSUPPORTED) {
		if (!required)
			return RETORT_OK;
		host->setting_error(h, s, key, "setting '%s' is required", key);
		return RETORT_EINVAL;
	}
	if (rc < 0 || !v) {
		host->setting_error(h, s, key, "setting '%s' must be a string", key);
		return RETORT_EINVAL;
	}
	if (!*v) {
		host->setting_error(h, s, key, "setting '%s' must not be empty", key);
		return RETORT_EINVAL;
	}
	*out = hk_strdup(host, v);
	if (!*out) {
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	return RETORT_OK;
}

/* Append one token to a growing argv-like array. */
static int push_arg(const retort_host *host, char ***v, size_t *n, const char *s, size_t len)
{
	char **nv = host->realloc(*v, (*n + 1) * sizeof **v);
	char *copy;
	if (!nv)
		return RETORT_ENOMEM;
	*v = nv;
	copy = host->malloc(len + 1);
	if (!copy)
		return RETORT_ENOMEM;
	memcpy(copy, s, len);
	copy[len] = '\0';
	(*v)[(*n)++] = copy;
	return RETORT_OK;
}

/*
 * Split `s` like Python's shlex.split (POSIX mode): whitespace separates;
 * '...' is literal; "..." allows \" and \\; a backslash outside quotes
 * escapes the next character.  *why is set on a syntax error (EINVAL).
 */
static int split_options(const retort_host *host, const char *s, char ***out, size_t *nout, const char **why)
{
	retort_strbuf tok;
	int in_tok = 0, rc = RETORT_OK;
	const char *p = s;
	retort_strbuf_init(&tok, host);
	*why = NULL;
	for (;;) {
		char c = *p;
		if (c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (in_tok) {
				if (tok.status || push_arg(host, out, nout, retort_strbuf_cstr(&tok), tok.len) < 0) {
					rc = RETORT_ENOMEM;
					break;
				}
				retort_strbuf_clear(&tok);
				in_tok = 0;
			}
			if (c == '\0')
				break;
			p++;
			continue;
		}
		in_tok = 1;
		if (c == '\'') {
			const char *e = strchr(p + 1, '\'');
			if (!e) {
				*why = "unterminated single quote";
				rc = RETORT_EINVAL;
				break;
			}
			retort_strbuf_add(&tok, p + 1, (size_t)(e - p - 1));
			p = e + 1;
		} else if (c == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				retort_strbuf_putc(&tok, *p++);
			}
			if (*p != '"') {
				*why = "unterminated double quote";
				rc = RETORT_EINVAL;
				break;
			}
			p++;
		} else if (c == '\\') {
			if (!p[1]) {
				*why = "backslash at the end";
				rc = RETORT_EINVAL;
				break;
			}
			retort_strbuf_putc(&tok, p[1]);
			p += 2;
		} else {
			retort_strbuf_putc(&tok, c);
			p++;
		}
	}
	retort_strbuf_free(&tok);
	return rc;
}

static int init_formatter(exec_state *st, retort_host_ctx *h, const retort_settings *s)
{
	static const char *const keys[] = {"executable", "options", "cwd", NULL};
	const retort_host *host = st->host;
	const char *options = TOKEN, *why = NULL;
	size_t i;
	int rc, has_token = 0;

	if ((rc = check_keys(host, h, s, keys)) < 0)
		return rc;
	if ((rc = get_string(host, h, s, "executable", 1, &st->executable)) < 0)
		return rc;
	if ((rc = get_string(host, h, s, "cwd", 0, &st->cwd)) < 0)
		return rc;
	rc = host->setting_string(s, "options", &options);
	if (rc == RETORT_ENOTSUPPORTED) {
		options = TOKEN;
	} else if (rc < 0 || !options) {
		host->setting_error(h, s, "options", "setting 'options' must be a string");
		return RETORT_EINVAL;
	}
	rc = split_options(host, options, &st->args, &st->nargs, &why);
	if (rc == RETORT_EINVAL) {
		host->setting_error(h, s, "options", "cannot split options \"%s\": %s", options, why);
		return rc;
	}
	if (rc < 0) {
		host->set_error(h, "out of memory");
		return rc;
	}
	for (i = 0; i < st->nargs; i++)
		if (strstr(st->args[i], TOKEN))
			has_token = 1;
	if (!has_token) {
		/* Alembic prepends the token when the options do not mention it. */
		char **nv = host->realloc(st->args, (st->nargs + 1) * sizeof *nv);
		char *t = hk_strdup(host, TOKEN);
		if (nv)
			st->args = nv;
		if (!nv || !t) {
			host->free(t);
			host->set_error(h, "out of memory");
			return RETORT_ENOMEM;
		}
		memmove(st->args + 1, st->args, st->nargs * sizeof *st->args);
		st->args[0] = t;
		st->nargs++;
	}
	return RETORT_OK;
}

static int init_notify(exec_state *st, retort_host_ctx *h, const retort_settings *s)
{
	static const char *const keys[] = {"command", "cwd", "timeout", NULL};
	const retort_host *host = st->host;
	long long t = DEFAULT_TIMEOUT;
	int rc;

	if ((rc = check_keys(host, h, s, keys)) < 0)
		return rc;
	if ((rc = get_string(host, h, s, "command", 1, &st->command)) < 0)
		return rc;
	if ((rc = get_string(host, h, s, "cwd", 0, &st->cwd)) < 0)
		return rc;
	rc = host->setting_int(s, "timeout", &t);
	if (rc == RETORT_ENOTSUPPORTED) {
		t = DEFAULT_TIMEOUT;
	} else if (rc < 0) {
		host->setting_error(h, s, "timeout", "setting 'timeout' must be an integer (seconds)");
		return RETORT_EINVAL;
	} else if (t < 0 || t > 86400 * 365) {
		host->setting_error(h, s, "timeout", "setting 'timeout' must be between 0 (no limit) and 31536000 seconds");
		return RETORT_EINVAL;
	}
	st->timeout_s = t;
	return RETORT_OK;
}

static int exec_init(const retort_host *host, retort_host_ctx *h, const retort_settings *settings,
                     retort_plugin_kind kind, void **state_out)
{
	exec_state *st;
	int rc;
	if (kind != RETORT_KIND_FORMATTER && kind != RETORT_KIND_NOTIFY) {
		host->set_error(h, "exec provides the kinds \"formatter\" and \"notify\" only (asked for kind %d)",
		                (int)kind);
		return RETORT_EINVAL;
	}
	st = host->malloc(sizeof *st);
	if (!st) {
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	memset(st, 0, sizeof *st);
	st->host = host;
	st->kind = kind;
	rc = kind == RETORT_KIND_FORMATTER ? init_formatter(st, h, settings) : init_notify(st, h, settings);
	if (rc < 0) {
		state_free(st);
		return rc;
	}
	*state_out = st;
	return RETORT_OK;
}

/* ---- running a child ---- */

typedef struct run_result {
	int wstatus;   /* from waitpid */
	int timed_out; /* killed after the timeout */
	retort_strbuf out, err;
} run_result;

typedef struct run_spec {
	const char *label;   /* "formatter 'sed'" / "notify command 'x'", for messages */
	const char *file;    /* program: execvp(file) when envp is NULL, else execve(file) */
	char *const *argv;
	char *const *envp;   /* NULL: inherit */
	const char *cwd;     /* or NULL */
	const char *input;   /* written to its stdin, or NULL for /dev/null */
	size_t ninput;
	long long timeout_s; /* 0: none */
	int own_group;       /* run in its own process group (killed as a group on timeout) */
} run_spec;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * In the child: mark every descriptor above 2 close-on-exec, so the program
 * does not inherit the host's files, sockets or database connections.
 */
static void cloexec_from_3(void)
{
	long max, fd;
#if defined(SYS_close_range)
	if (syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */) == 0)
		return;
#endif
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++) {
		int fl = fcntl((int)fd, F_GETFD);
		if (fl >= 0 && !(fl & FD_CLOEXEC))
			fcntl((int)fd, F_SETFD, fl | FD_CLOEXEC);
	}
}

/* Child side: never returns.  Reports a failure as {stage, errno} on errfd. */
static void child_run(const run_spec *sp, int infd, int outfd, int errfd_out, int reportfd)
{
	int rep[2];
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (sp->own_group)
		setpgid(0, 0);
	if (infd < 0)
		infd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (infd < 0 || dup2(infd, 0) < 0 || dup2(outfd, 1) < 0 || dup2(errfd_out, 2) < 0) {
		rep[0] = 0;
		goto fail;
	}
	cloexec_from_3();
	if (sp->cwd && chdir(sp->cwd) < 0) {
		rep[0] = 1;
		goto fail;
	}
	if (sp->envp)
		execve(sp->file, sp->argv, sp->envp);
	else
		execvp(sp->file, sp->argv);
	rep[0] = 2;
fail:
	rep[1] = errno;
	if (write(reportfd, rep, sizeof rep) < 0) {
		/* nothing more we can do */
	}
	_exit(127);
}

static void capture(retort_strbuf *b, const char *data, size_t n)
{
	if (b->len >= CAPTURE_MAX)
		return;
	if (n > CAPTURE_MAX - b->len)
		n = CAPTURE_MAX - b->len;
	retort_strbuf_add(b, data, n);
}

/* Read what is there; returns 0 at EOF or on error (the fd is closed then). */
static int drain(int *fd, retort_strbuf *b)
{
	char chunk[4096];
	ssize_t n = read(*fd, chunk, sizeof chunk);
	if (n > 0) {
		capture(b, chunk, (size_t)n);
		return 1;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	close_fd(fd);
	return 0;
}

static void kill_child(pid_t pid, int group, int sig)
{
	if (group)
		kill(-pid, sig);
	else
		kill(pid, sig);
}

/*
 * Run sp and wait for it (or its timeout).  RETORT_OK when it ran (look at
 * r->wstatus); an error with a message when it could not be started.
 */
static int run_child(const retort_host *host, retort_host_ctx *h, const run_spec *sp, run_result *r)
{
	int outp[2] = {-1, -1}, errp[2] = {-1, -1}, inp[2] = {-1, -1}, rep[2] = {-1, -1};
	int report[2], reaped = 0, sigpipe_seen = 0;
	size_t written = 0;
	long long deadline = sp->timeout_s > 0 ? now_ms() + sp->timeout_s * 1000 : 0;
	sigset_t pipeset, oldset;
	ssize_t n;
	pid_t pid;

	r->wstatus = 0;
	r->timed_out = 0;
	if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0 ||
	    (sp->input && pipe2(inp, O_CLOEXEC) < 0)) {
		host->set_error(h, "cannot run %s: pipe: %s", sp->label, strerror(errno));
		goto fail_fds;
	}
	pid = fork();
	if (pid < 0) {
		host->set_error(h, "cannot run %s: fork: %s", sp->label, strerror(errno));
		goto fail_fds;
	}
	if (pid == 0)
		child_run(sp, inp[0], outp[1], errp[1], rep[1]);
	if (sp->own_group)
		setpgid(pid, pid); /* also done by the child; whichever runs first */
	close_fd(&outp[1]);
	close_fd(&errp[1]);
	close_fd(&inp[0]);
	close_fd(&rep[1]);

	/* Did the exec work?  The report pipe closes on exec (O_CLOEXEC). */
	do
		n = read(rep[0], report, sizeof report);
	while (n < 0 && errno == EINTR);
	close_fd(&rep[0]);
	if (n == (ssize_t)sizeof report) {
		while (waitpid(pid, &r->wstatus, 0) < 0 && errno == EINTR)
			;
		if (report[0] == 1)
			host->set_error(h, "cannot run %s: cannot change to directory '%s': %s", sp->label, sp->cwd,
			                strerror(report[1]));
		else
			host->set_error(h, "cannot run %s: %s", sp->label, strerror(report[1]));
		goto fail_fds;
	}

	if (inp[1] >= 0) {
		fcntl(inp[1], F_SETFL, fcntl(inp[1], F_GETFL) | O_NONBLOCK);
		if (sp->ninput == 0)
			close_fd(&inp[1]);
	}
	sigemptyset(&pipeset);
	sigaddset(&pipeset, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipeset, &oldset);

	while (outp[0] >= 0 || errp[0] >= 0 || inp[1] >= 0) {
		struct pollfd pf[3];
		int np = 0, wait_ms = 100, i, ready;
		if (deadline && !reaped) {
			long long left = deadline - now_ms();
			if (left <= 0) {
				r->timed_out = 1;
				break;
			}
			if (left < wait_ms)
				wait_ms = (int)left;
		}
		if (reaped)
			wait_ms = 0; /* the child is gone: take what is buffered, then stop */
		if (outp[0] >= 0)
			pf[np++] = (struct pollfd){.fd = outp[0], .events = POLLIN};
		if (errp[0] >= 0)
			pf[np++] = (struct pollfd){.fd = errp[0], .events = POLLIN};
		if (inp[1] >= 0)
			pf[np++] = (struct pollfd){.fd = inp[1], .events = POLLOUT};
		ready = poll(pf, (nfds_t)np, wait_ms);
		if (ready < 0 && errno != EINTR)
			break;
		if (ready == 0 && reaped)
			break; /* grandchildren may hold the pipes: do not wait for them */
		for (i = 0; ready > 0 && i < np; i++) {
			if (!pf[i].revents)
				continue;
			if (pf[i].fd == outp[0]) {
				drain(&outp[0], &r->out);
			} else if (pf[i].fd == errp[0]) {
				drain(&errp[0], &r->err);
			} else if (pf[i].fd == inp[1]) {
				n = write(inp[1], sp->input + written, sp->ninput - written);
				if (n > 0)
					written += (size_t)n;
				else if (n < 0 && errno != EINTR && errno != EAGAIN) {
					if (errno == EPIPE)
						sigpipe_seen = 1;
					close_fd(&inp[1]); /* the child stopped reading: fine */
				}
				if (written == sp->ninput)
					close_fd(&inp[1]);
			}
		}
		if (!reaped) {
			pid_t w = waitpid(pid, &r->wstatus, WNOHANG);
			if (w == pid)
				reaped = 1;
		}
	}
	close_fd(&outp[0]);
	close_fd(&errp[0]);
	close_fd(&inp[1]);
	if (sigpipe_seen) {
		/* discard the SIGPIPE our write raised, before unblocking it */
		struct timespec zero = {0, 0};
		sigset_t pending;
		sigpending(&pending);
		if (sigismember(&pending, SIGPIPE))
			sigtimedwait(&pipeset, NULL, &zero);
	}
	sigprocmask(SIG_SETMASK, &oldset, NULL);

	if (r->timed_out && !reaped) {
		int k;
		kill_child(pid, sp->own_group, SIGTERM);
		for (k = 0; k < 50 && !reaped; k++) { /* 0.5 s of grace, then SIGKILL */
			struct timespec ten = {0, 10 * 1000000};
			if (waitpid(pid, &r->wstatus, WNOHANG) == pid)
				reaped = 1;
			else
				nanosleep(&ten, NULL);
		}
		if (!reaped)
			kill_child(pid, sp->own_group, SIGKILL);
	} else if (r->timed_out && sp->own_group) {
		kill(-pid, SIGKILL); /* leftovers of the group */
	}
	if (!reaped)
		while (waitpid(pid, &r->wstatus, 0) < 0 && errno == EINTR)
			;
	return RETORT_OK;

fail_fds:
	close_fd(&outp[0]);
	close_fd(&outp[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	close_fd(&inp[0]);
	close_fd(&inp[1]);
	close_fd(&rep[0]);
	close_fd(&rep[1]);
	return RETORT_ERROR;
}

/* The first non-empty line of text (at most FIRST_LINE_MAX bytes) into buf. */
static const char *first_line(const char *text, char *buf, size_t size)
{
	const char *p = text, *e;
	size_t n;
	while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
		p++;
	e = p;
	while (*e && *e != '\n' && *e != '\r')
		e++;
	n = (size_t)(e - p);
	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* Log each line of text; `skip_first` drops the first non-empty one (already in the error). */
static void log_lines(const retort_host *host, retort_host_ctx *h, retort_log_level lvl, const char *label,
                      const char *text, int skip_first)
{
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n) {
			if (skip_first)
				skip_first = 0;
			else
				host->log(h, lvl, "%s: %.*s", label, (int)n, p);
		}
		p += e ? (size_t)(e - p) + 1 : strlen(p);
	}
}

/*
 * Turn a finished run into a status: RETORT_OK on exit 0, else an error
 * "<label> <what happened> <where>: <first line of stderr>".
 */
static int report_run(const retort_host *host, retort_host_ctx *h, const char *label, const char *logname,
                      const char *where, long long timeout_s, const run_result *r)
{
	char line[FIRST_LINE_MAX + 1];
	const char *errtext = retort_strbuf_cstr(&r->err);
	int failed = r->timed_out || !WIFEXITED(r->wstatus) || WEXITSTATUS(r->wstatus) != 0;

	first_line(*errtext ? errtext : retort_strbuf_cstr(&r->out), line, sizeof line);
	log_lines(host, h, RETORT_LOG_INFO, logname, retort_strbuf_cstr(&r->out), failed && !*errtext);
	log_lines(host, h, failed ? RETORT_LOG_WARNING : RETORT_LOG_INFO, logname, errtext, failed && *errtext);
	if (!failed)
		return RETORT_OK;
	if (r->timed_out)
		host->set_error(h, "%s timed out after %lld s %s (killed)%s%s", label, timeout_s, where,
		                *line ? ": " : "", line);
	else if (WIFSIGNALED(r->wstatus))
		host->set_error(h, "%s was killed by signal %d (%s) %s%s%s", label, WTERMSIG(r->wstatus),
		                strsignal(WTERMSIG(r->wstatus)), where, *line ? ": " : "", line);
	else
		host->set_error(h, "%s exited with status %d %s%s%s", label, WEXITSTATUS(r->wstatus), where,
		                *line ? ": " : "", line);
	return RETORT_ERROR;
}

/* ---- formatter ---- */

/* s with every TOKEN replaced by path (host->malloc). */
static char *substitute(const retort_host *host, const char *s, const char *path)
{
	retort_strbuf b;
	const char *p = s, *t;
	char *out;
	retort_strbuf_init(&b, host);
	while ((t = strstr(p, TOKEN)) != NULL) {
		retort_strbuf_add(&b, p, (size_t)(t - p));
		retort_strbuf_puts(&b, path);
		p = t + strlen(TOKEN);
	}
	retort_strbuf_puts(&b, p);
	out = retort_strbuf_take(&b); /* the caller's; NULL when out of memory */
	return out;
}

static int exec_format_file(void *state, retort_host_ctx *h, const char *path, retort_script_format format)
{
	exec_state *st = state;
	const retort_host *host = st->host;
	char **argv = NULL, *abspath = NULL, *label = NULL, *where = NULL;
	size_t i, nlabel;
	run_spec sp;
	run_result r;
	int rc = RETORT_ENOMEM;

	(void)format;
	retort_strbuf_init(&r.out, host);
	retort_strbuf_init(&r.err, host);
	/* with another working directory, a relative path would name another file */
	if (st->cwd && path[0] != '/') {
		char cwd[PATH_MAX];
		retort_strbuf b;
		if (!getcwd(cwd, sizeof cwd)) {
			host->set_error(h, "formatter '%s': cannot get the current directory: %s", st->executable,
			                strerror(errno));
			return RETORT_ERROR;
		}
		retort_strbuf_init(&b, host);
		retort_strbuf_puts(&b, cwd);
		retort_strbuf_putc(&b, '/');
		retort_strbuf_puts(&b, path);
		if (!(abspath = retort_strbuf_take(&b)))
			goto out;
		path = abspath;
	}
	nlabel = strlen(st->executable) + 16;
	label = host->malloc(nlabel);
	where = host->malloc(strlen(path) + 4);
	argv = host->malloc((st->nargs + 2) * sizeof *argv);
	if (!label || !where || !argv)
		goto out;
	memset(argv, 0, (st->nargs + 2) * sizeof *argv);
	snprintf(label, nlabel, "formatter '%s'", st->executable);
	memcpy(where, "on ", 3);
	memcpy(where + 3, path, strlen(path) + 1);
	argv[0] = st->executable;
	for (i = 0; i < st->nargs; i++) {
		argv[i + 1] = substitute(host, st->args[i], path);
		if (!argv[i + 1])
			goto out;
	}

	memset(&sp, 0, sizeof sp);
	sp.label = label;
	sp.file = st->executable;
	sp.argv = argv;
	sp.cwd = st->cwd;
	host->log(h, RETORT_LOG_INFO, "running formatter '%s' on %s", st->executable, path);
	rc = run_child(host, h, &sp, &r);
	if (rc == RETORT_OK)
		rc = report_run(host, h, label, st->executable, where, 0, &r);
out:
	if (rc == RETORT_ENOMEM)
		host->set_error(h, "out of memory");
	if (argv) {
		for (i = 0; i < st->nargs; i++)
			host->free(argv[i + 1]);
		host->free(argv);
	}
	host->free(label);
	host->free(where);
	host->free(abspath);
	retort_strbuf_free(&r.out);
	retort_strbuf_free(&r.err);
	return rc;
}

/* ---- notify ---- */

static int exec_on_event(void *state, retort_host_ctx *h, const retort_event *ev)
{
	exec_state *st = state;
	const retort_host *host = st->host;
	char *argv[4];
	char **env = NULL;
	retort_strbuf json, label, where;
	run_spec sp;
	run_result r;
	int rc = RETORT_ENOMEM;

	retort_strbuf_init(&json, host);
	retort_strbuf_init(&label, host);
	retort_strbuf_init(&where, host);
	retort_strbuf_init(&r.out, host);
	retort_strbuf_init(&r.err, host);
	hk_event_json(&json, ev);
	retort_strbuf_putc(&json, '\n');
	retort_strbuf_puts(&label, "notify command '");
	retort_strbuf_puts(&label, st->command);
	retort_strbuf_putc(&label, '\'');
	retort_strbuf_puts(&where, "on event ");
	retort_strbuf_puts(&where, ev->name ? ev->name : "(unnamed)");
	env = hk_event_env(host, environ, ev);
	if (json.status || label.status || where.status || !env)
		goto out;

	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = st->command;
	argv[3] = NULL;
	memset(&sp, 0, sizeof sp);
	sp.label = retort_strbuf_cstr(&label);
	sp.file = "/bin/sh";
	sp.argv = argv;
	sp.envp = env;
	sp.cwd = st->cwd;
	sp.input = retort_strbuf_cstr(&json);
	sp.ninput = json.len;
	sp.timeout_s = st->timeout_s;
	sp.own_group = 1;
	host->log(h, RETORT_LOG_DEBUG, "running notify command for %s", ev->name ? ev->name : "(unnamed)");
	rc = run_child(host, h, &sp, &r);
	if (rc == RETORT_OK)
		rc = report_run(host, h, retort_strbuf_cstr(&label), "hook", retort_strbuf_cstr(&where), st->timeout_s, &r);
out:
	if (rc == RETORT_ENOMEM)
		host->set_error(h, "out of memory");
	hk_env_free(host, env);
	retort_strbuf_free(&json);
	retort_strbuf_free(&label);
	retort_strbuf_free(&where);
	retort_strbuf_free(&r.out);
	retort_strbuf_free(&r.err);
	return rc;
}

/* ---- descriptor ---- */

static const retort_formatter_vtable formatter_vt = {
	.size = sizeof(retort_formatter_vtable),
	.format_file = exec_format_file,
};

static const retort_notify_vtable notify_vt = {
	.size = sizeof(retort_notify_vtable),
	.on_event = exec_on_event,
};

static const retort_plugin_impl exec_impls[] = {
	{RETORT_KIND_FORMATTER, &formatter_vt},
	{RETORT_KIND_NOTIFY, &notify_vt},
	{RETORT_KIND_END, NULL},
};

RETORT_PLUGIN_DEFINE(.name = "exec", .version = "1.0.0",
                     .description = "run a program on written revision files, or a command on events",
                     .impls = exec_impls, .init = exec_init, .fini = exec_fini);
