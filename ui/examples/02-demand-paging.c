// A large malloc returns at once: it only reserves addresses, no memory is used yet.
// Reading an untouched page maps the shared zero page; the first write to each page takes a frame of its own.
//
// minor_faults() and rss_pages() are mmplay helpers with the meaning of the
// oracle's oracle.h (getrusage's ru_minflt, and the resident pages from
// /proc/self/statm). The 64 MiB block is above the mmap threshold, so it
// is a fresh anonymous mapping.
#include <stdio.h>
#include <stdlib.h>
#include "oracle.h"

#define SIZE (64L << 20)
#define PAGES (SIZE / 4096)

int main(void)
{
    long f0, r0, sum = 0, i;
    char *p;

    printf("start\n");                  /* allocate stdio's buffer first */
    f0 = minor_faults();
    r0 = rss_pages();
    p = malloc(SIZE);
    printf("malloc(64 MiB): faults +%ld, rss +%ld pages\n", minor_faults() - f0, rss_pages() - r0);

    for (i = 0; i < 16; i++)
        sum += p[i * 4096];
    printf("read 16 pages: sum %ld, faults +%ld, rss +%ld pages (the zero page)\n",
           sum, minor_faults() - f0, rss_pages() - r0);

    for (i = 0; i < 16; i++)
        p[i * 4096] = 1;
    printf("write 16 pages: faults +%ld, rss +%ld pages\n", minor_faults() - f0, rss_pages() - r0);

    p[SIZE - 1] = 1;
    printf("write the last byte: faults +%ld, rss +%ld pages of %ld\n",
           minor_faults() - f0, rss_pages() - r0, PAGES);
    free(p);
    printf("free: rss +%ld pages\n", rss_pages() - r0);
    return 0;
}
