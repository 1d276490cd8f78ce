/*
 * Shared by the fuzz targets.  A program's main runs inside the fuzzer
 * process: its exit, err(3), errx(3), verr(3), verrx(3) and atexit(3) are
 * wrapped (the link uses -Wl,--wrap=...), so that an exit returns to the
 * target instead of ending the fuzzer.  The heap blocks a call allocated and
 * still holds when it exits are shown to LeakSanitizer as not leaked: a
 * program that exits does not free, and that is not a leak.
 *
 * A main that returns is checked for leaks here, not by libFuzzer
 * (fuzz_main_init turns its check off): libFuzzer scans the whole heap
 * after every input that allocated more blocks than it freed, which is
 * every input that ends in an exit, and that scan was most of the time
 * spent.  Here the scan runs only when a main that returned did so.
 */
#include <fcntl.h>
#include <locale.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sanitizer/allocator_interface.h>
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>

#include "fuzz.h"

/* Absent from a build without LeakSanitizer (fuzz/README: a faster build). */
#pragma weak __lsan_ignore_object
#pragma weak __lsan_do_recoverable_leak_check

void __real_exit(int) __attribute__((noreturn));
void __real_verr(int, const char *, va_list) __attribute__((noreturn));
void __real_verrx(int, const char *, va_list) __attribute__((noreturn));
int __real_atexit(void (*)(void));

/* Only the targets that take in a program have its main. */
int herd_prog_main(int, char **) __attribute__((weak));

static jmp_buf *trap;
static int trap_status;

/* The glue is not what the fuzzer should learn from. */
#define GLUE __attribute__((no_sanitize("coverage")))
/* The heap hooks run on every malloc and free: no checks of their own. */
#define HOOK __attribute__((no_sanitize("coverage", "address")))

/*
 * Heap blocks live in the current call: a hash set cleared by generation,
 * with the slots it used listed.  It starts small enough to stay in the
 * cache and doubles when half full (mmap: the hooks must not allocate).
 * The addresses are kept complemented: LeakSanitizer must not take this
 * table for a reference to a leaked block.
 */
#define MIN_SLOTS (1u << 12)
#define MAX_SLOTS (1u << 24)
#define HIDE(p) (~(uintptr_t)(p))
static struct slot {
	uintptr_t key;		/* HIDE(block), 0 for a freed one */
	unsigned gen;
} *live;
static unsigned *used;		/* cap / 2 */
static size_t cap;		/* slots, a power of two */
static unsigned gen = 1;
static size_t nused, mallocs, frees;
static int tracking, overflow;

static HOOK size_t
slot_of(uintptr_t key)
{
	uintptr_t h = key;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 40) & (cap - 1);
}

static HOOK void *
map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		abort();
	return p;
}

/* Twice the slots (or the first ones), with the live blocks moved over. */
static HOOK int
grow(void)
{
	struct slot *old = live;
	unsigned *oldused = used;
	size_t oldcap = cap, n = nused, i, j;

	if (cap == MAX_SLOTS)
		return -1;
	cap = cap ? cap * 2 : MIN_SLOTS;
	live = map(cap * sizeof *live);
	used = map(cap / 2 * sizeof *used);
	nused = 0;
	for (i = 0; i < n; i++) {
		if (!old[oldused[i]].key)
			continue;
		for (j = slot_of(old[oldused[i]].key); live[j].gen == gen; j = (j + 1) & (cap - 1))
			;
		live[j] = old[oldused[i]];
		used[nused++] = (unsigned)j;
	}
	if (old) {
		munmap(old, oldcap * sizeof *old);
		munmap(oldused, oldcap / 2 * sizeof *oldused);
	}
	return 0;
}

static HOOK void
on_malloc(const volatile void *p, size_t size)
{
	size_t i;

	(void)size;
	if (!tracking || !p)
		return;
	mallocs++;
	if (nused >= cap / 2 && grow() < 0) {
		overflow = 1;
		return;
	}
	for (i = slot_of(HIDE(p)); live[i].gen == gen && live[i].key; i = (i + 1) & (cap - 1))
		;
	if (live[i].gen != gen)
		used[nused++] = (unsigned)i;
	live[i].key = HIDE(p);
	live[i].gen = gen;
}

static HOOK void
on_free(const volatile void *p)
{
	size_t i;

	if (!tracking || !p || !cap)
		return;
	frees++;
	for (i = slot_of(HIDE(p)); live[i].gen == gen; i = (i + 1) & (cap - 1))
		if (live[i].key == HIDE(p)) {
			live[i].key = 0;	/* a tombstone: the probe goes on past it */
			return;
		}
}

static GLUE void
ignore_live(void)
{
	size_t i;

	if (!__lsan_ignore_object)
		return;
	for (i = 0; i < nused; i++)
		if (live[used[i]].key)
			__lsan_ignore_object((const void *)~live[used[i]].key);
}

/*
 * As libFuzzer would after an input, for a main that returned: a scan of
 * the heap when the call allocated more blocks than it freed.
 */
static GLUE void
check_leaks(void)
{
	if (__lsan_do_recoverable_leak_check && mallocs > frees &&
	    __lsan_do_recoverable_leak_check())
		fuzz_fail("%s", "a main that returned leaked memory");
}

GLUE void
fuzz_main_init(int *argc, char ***argv)
{
	static char off[] = "-detect_leaks=0";
	char **v;
	int i;

	/* before the command line's options, which may turn it back on */
	if (!(v = calloc((size_t)*argc + 2, sizeof *v)))
		abort();
	v[0] = (*argv)[0];
	v[1] = off;
	for (i = 1; i < *argc; i++)
		v[i + 1] = (*argv)[i];
	*argv = v;
	(*argc)++;
}

GLUE void
__wrap_exit(int status)
{
	if (trap) {
		trap_status = status;
		longjmp(*trap, 1);
	}
	__real_exit(status);
}

GLUE void
__wrap_verr(int status, const char *fmt, va_list ap)
{
	if (trap)
		__wrap_exit(status);
	__real_verr(status, fmt, ap);
}

GLUE void
__wrap_verrx(int status, const char *fmt, va_list ap)
{
	if (trap)
		__wrap_exit(status);
	__real_verrx(status, fmt, ap);
}

GLUE void
__wrap_err(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	__wrap_verr(status, fmt, ap);
}

GLUE void
__wrap_errx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	__wrap_verrx(status, fmt, ap);
}

GLUE int
__wrap_atexit(void (*fn)(void))
{
	return trap ? 0 : __real_atexit(fn);
}

GLUE int
fuzz_main(int argc, char **argv)
{
	static int hooked;
	struct sigaction sigint;
	jmp_buf jb;
	volatile int status;

	if (!herd_prog_main)
		abort();
	if (!hooked) {
		/* the programs' standard input and output: nothing, never a terminal */
		int fd = open("/dev/null", O_RDWR);

		static char outbuf[BUFSIZ];

		if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0)
			abort();
		close(fd);
		/*
		 * What a call leaves allocated makes libFuzzer look for leaks (a
		 * slow heap scan): stdout's buffer is static, and the locale's
		 * names settled before.
		 */
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
		setlocale(LC_CTYPE, "");
		setlocale(LC_CTYPE, "");
		hooked = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
	}
	sigaction(SIGINT, NULL, &sigint);
	optind = 0;	/* glibc: start getopt afresh */
	opterr = 1;
	gen++;
	nused = mallocs = frees = 0;
	overflow = 0;
	tracking = 1;
	trap = &jb;
	if (setjmp(jb) == 0) {
		status = herd_prog_main(argc, argv);
		tracking = 0;
		check_leaks();
	} else {
		status = trap_status;
		if (!overflow)
			ignore_live();
	}
	trap = NULL;
	tracking = 0;
	fflush(stdout);
	clearerr(stdout);
	sigaction(SIGINT, &sigint, NULL);
	return status;
}

GLUE FILE *
fuzz_open(int slot, const void *data, size_t len)
{
	static char buf[2][BUFSIZ];
	static const char empty[1];
	FILE *f = fmemopen((void *)(len ? data : empty), len ? len : 1, "r");

	if (!f || slot < 0 || slot > 1)
		abort();
	setvbuf(f, buf[slot], _IOFBF, sizeof buf[slot]);
	if (!len)
		fgetc(f);	/* at the end: an empty stream */
	return f;
}

GLUE const char *
fuzz_file(int slot, const void *data, size_t len)
{
	static int fd[4] = { -1, -1, -1, -1 };
	static char path[4][32];

	if (slot < 0 || slot > 3)
		abort();
	if (fd[slot] < 0) {
		if ((fd[slot] = memfd_create("herd-fuzz", 0)) < 0)
			abort();
		snprintf(path[slot], sizeof path[slot], "/proc/self/fd/%d", fd[slot]);
	}
	if (ftruncate(fd[slot], 0) < 0 ||
	    (len && pwrite(fd[slot], data, len, 0) != (ssize_t)len))
		abort();
	return path[slot];
}

static struct {
	FILE *f;
	char *p;
	size_t len;
} out[2];

GLUE FILE *
fuzz_out(int slot)
{
	if (slot < 0 || slot > 1)
		abort();
	if (!out[slot].f && !(out[slot].f = open_memstream(&out[slot].p, &out[slot].len)))
		abort();
	rewind(out[slot].f);
	return out[slot].f;
}

GLUE const char *
fuzz_out_text(int slot, size_t *len)
{
	if (fflush(out[slot].f) != 0)
		abort();
	*len = out[slot].len;
	return out[slot].p;
}

GLUE void
fuzz_fail(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	int n;

	n = snprintf(msg, sizeof msg, "fuzz oracle failed: ");
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
	va_end(ap);
	/* stderr may be closed (-close_fd_mask): the sanitizers' report stream is not */
	__sanitizer_report_error_summary(msg);
	abort();
}

GLUE void
fuzz_split_line(const uint8_t **data, size_t *size, char **line)
{
	const uint8_t *nl = memchr(*data, '\n', *size);
	size_t n = nl ? (size_t)(nl - *data) : *size;

	*line = xstrndup((const char *)*data, n);
	*data += nl ? n + 1 : n;
	*size -= nl ? n + 1 : n;
}
