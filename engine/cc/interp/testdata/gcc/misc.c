#include <stdio.h>

struct point {
    int x, y;
};

struct rect {
    struct point a, b;
    const char *name;
};

struct rect rects[] = {
    { { 0, 0 }, { 2, 3 }, "small" },
    { .b = { 10, 10 }, .name = "big" },
    [3] = { .a.x = 7 },
};

int area(struct rect r)
{
    r.name = "changed";
    return (r.b.x - r.a.x) * (r.b.y - r.a.y);
}

int (*pick(int which))(struct rect)
{
    return which ? area : 0;
}

static int calls;

int side(void)
{
    return ++calls;
}

int main(void)
{
    int arr[6] = { 5, 4, 3, 2, 1, 0 };
    int *p = arr;
    unsigned short us = 65535;
    long n = sizeof(side());
    char c = -3;
    unsigned char uc = 0x80;
    const char *s = 0;
    int i;

    p += 2;
    p++;
    *p-- *= 10;
    printf("%d %d %ld\n", *p, arr[3], p - arr);
    printf("%d %s %d\n", area(rects[0]), rects[0].name, pick(1)(rects[1]));
    printf("%d %d %s\n", rects[3].a.x, rects[2].b.y, rects[1].name);
    printf("%lu %ld %d\n", sizeof rects / sizeof rects[0], n, calls);
    printf("%d %u\n", us * us, (unsigned)us * us);
    printf("%d %d %d\n", c < 0, c >> 1, uc >> 7);
    printf("%d %d\n", (c & 0xff) == 0xfd, (signed char)uc);
    s = calls ? "yes" : 0;
    printf("%s\n", s ? s : "null");
    i = 0;
    while (i++, i < 5)
        ;
    printf("%d\n", i);
    for (i = 0; i < 6; i++)
        arr[i] = arr[i] * 2 - i;
    printf("%d %d %d\n", arr[0], arr[3], arr[5]);
    printf("%d\n", pick(0) == 0);
    return 0;
}
