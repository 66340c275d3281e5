/* A growable array: realloc doubles the capacity and keeps the contents;
   calloc returns zeroed memory (also for a struct array); realloc of NULL is
   malloc.  Only values are printed, no addresses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vec {
    int *data;
    size_t len;
    size_t cap;
};

int grows = 0;

void vec_push(struct vec *v, int x)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 4;
        v->data = realloc(v->data, v->cap * sizeof *v->data);
        grows++;
    }
    v->data[v->len++] = x;
}

struct item {
    char name[12];
    int count;
};

int main(void)
{
    struct vec v = {NULL, 0, 0};
    struct item *items;
    long *zeros;
    char *s;
    long total = 0;
    size_t i;
    int ok = 1;

    for (i = 0; i < 1000; i++)
        vec_push(&v, (int)(i * 3));
    for (i = 0; i < v.len; i++) {
        total += v.data[i];
        ok = ok && v.data[i] == (int)(i * 3);
    }
    printf("len %zu cap %zu grows %d sum %ld intact %d\n", v.len, v.cap, grows, total, ok);
    v.data = realloc(v.data, 10 * sizeof *v.data);
    printf("shrunk to 10, data[9] = %d\n", v.data[9]);
    free(v.data);

    zeros = calloc(512, sizeof *zeros);
    total = 0;
    for (i = 0; i < 512; i++)
        total += zeros[i];
    printf("calloc(512, %zu): sum %ld\n", sizeof *zeros, total);
    for (i = 0; i < 512; i++)
        zeros[i] = -1;
    free(zeros);
    zeros = calloc(512, sizeof *zeros);
    total = 0;
    for (i = 0; i < 512; i++)
        total += zeros[i];
    printf("calloc again after dirtying and freeing: sum %ld\n", total);
    free(zeros);

    items = calloc(3, sizeof(struct item));
    strcpy(items[1].name, "widget");
    items[1].count = 5;
    for (i = 0; i < 3; i++)
        printf("item %zu: \"%s\" %d\n", i, items[i].name, items[i].count);
    items = realloc(items, 6 * sizeof(struct item));
    memset(items + 3, 0, 3 * sizeof(struct item));
    strcpy(items[5].name, "gadget");
    printf("after realloc: \"%s\" %d, \"%s\"\n", items[1].name, items[1].count, items[5].name);
    free(items);

    s = realloc(NULL, 6);
    strcpy(s, "hello");
    s = realloc(s, 12);
    strcat(s, " world");
    printf("%s (%zu)\n", s, strlen(s));
    free(s);
    return 0;
}
