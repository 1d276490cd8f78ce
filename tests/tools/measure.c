/*
 * measure CMD [ARG...]: run CMD and print, on one line to stderr,
 *   wall_ms client_cpu_ms maxrss_kb machine_busy_ms
 * client CPU is user+sys of CMD's whole process tree (every descendant is
 * waited for by its parent); maxrss is the largest single process; machine
 * busy is all CPUs' non-idle time from /proc/stat while CMD ran.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long
busy_ms(void)
{
	unsigned long long v[10] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	long hz = sysconf(_SC_CLK_TCK);

	if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
	    &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
		err(2, "/proc/stat");
	fclose(f);
	/* user nice system idle iowait irq softirq steal: all but idle, iowait */
	return (long long)((v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) * 1000 / (unsigned long long)hz);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int
main(int argc, char **argv)
{
	struct rusage ru;
	long long t0, b0, t1, b1;
	pid_t pid;
	int st;

	if (argc < 2)
		errx(2, "usage: measure CMD [ARG...]");
	t0 = now_ms();
	b0 = busy_ms();
	if ((pid = fork()) < 0)
		err(2, "fork");
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		err(127, "%s", argv[1]);
	}
	waitpid(pid, &st, 0);
	t1 = now_ms();
	b1 = busy_ms();
	getrusage(RUSAGE_CHILDREN, &ru);
	fprintf(stderr, "%lld %lld %ld %lld\n", t1 - t0,
	    (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000,
	    ru.ru_maxrss, b1 - b0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
