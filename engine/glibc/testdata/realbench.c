/* The real glibc's malloc(32)+free pair, for BENCHMARKS.md (SPEC §11: the
   model's pair within ten times this): wall and CPU time per pair over
   50 million pairs, after one pair that sets up the tcache. Built with
   gcc -O2 by TestRealGlibcMallocFree32 (package glibc) and, beside the
   model's pair in the same run, by BenchmarkProcessMallocFree32 (package
   engine) when GLIBC_REALBENCH=1. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double ns(struct timespec a, struct timespec b)
{
    return (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
}

int main(void)
{
    struct timespec w0, w1, c0, c1;
    long n = 50000000, i;
    void *volatile p;
    free(malloc(32));
    clock_gettime(CLOCK_MONOTONIC, &w0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    for (i = 0; i < n; i++) {
        p = malloc(32);
        free(p);
    }
    clock_gettime(CLOCK_MONOTONIC, &w1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    printf("%.2f %.2f\n", ns(w0, w1) / n, ns(c0, c1) / n);
    return 0;
}
