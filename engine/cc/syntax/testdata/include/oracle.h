/* Test fixture: the prototypes of oracle/oracle.h's helpers; mmplay
   provides them as builtins. */
#ifndef ORACLE_H
#define ORACLE_H
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <malloc.h>
#include <fcntl.h>
#include <sys/mman.h>
long minor_faults(void);
long rss_pages(void);
int is_mmapped(void *p);
#endif
