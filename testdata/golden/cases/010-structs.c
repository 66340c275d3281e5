/* struct: members and ->, nested structs, designated initializers (members
   not named are zero), struct assignment copies every member, structs passed
   and returned by value, arrays of structs, padding in sizeof, offsetof. */
#include <stdio.h>
#include <stddef.h>

struct point {
    int x;
    int y;
};

struct rect {
    struct point min;
    struct point max;
    const char *name;
};

struct padded {
    char c;
    long l;
    short s;
};

struct point add(struct point a, struct point b)
{
    struct point r;
    r.x = a.x + b.x;
    r.y = a.y + b.y;
    return r;
}

struct rect make_rect(int w, int h)
{
    struct rect r = {.max = {w, h}, .name = "made"};
    return r;
}

int area(const struct rect *r)
{
    return (r->max.x - r->min.x) * (r->max.y - r->min.y);
}

void grow(struct rect *r, int by)
{
    r->max.x += by;
    r->max.y += by;
}

void try_grow(struct rect r)
{
    r.max.x += 100;
}

int main(void)
{
    struct point p = {1, 2};
    struct point q = {.y = 20, .x = 10};
    struct point z = {0};
    struct rect r = {{0, 0}, {4, 3}, "r"};
    struct rect s;
    struct rect t;
    struct point pts[3] = {[2] = {7, 8}, [0] = {1, 1}};
    struct padded pd = {.l = 5};
    int i;

    printf("p = (%d,%d), q = (%d,%d), z = (%d,%d)\n", p.x, p.y, q.x, q.y, z.x, z.y);
    p = add(p, q);
    printf("add -> (%d,%d)\n", p.x, p.y);
    printf("%s: area %d\n", r.name, area(&r));
    s = r;
    grow(&s, 2);
    printf("copy grown: %s area %d, original area %d\n", s.name, area(&s), area(&r));
    try_grow(r);
    printf("by value does not change the caller: max.x = %d\n", r.max.x);
    t = make_rect(5, 6);
    printf("%s: min (%d,%d) max (%d,%d) area %d\n", t.name, t.min.x, t.min.y, t.max.x, t.max.y, area(&t));
    for (i = 0; i < 3; i++)
        printf("pts[%d] = (%d,%d)\n", i, pts[i].x, pts[i].y);
    printf("add(pts[0], pts[2]).y = %d\n", add(pts[0], pts[2]).y);
    printf("sizeof point %zu, rect %zu, padded %zu\n", sizeof(struct point), sizeof(struct rect), sizeof pd);
    printf("offsetof padded: c %zu, l %zu, s %zu; rect.max.y %zu, rect.name %zu\n",
           offsetof(struct padded, c), offsetof(struct padded, l), offsetof(struct padded, s),
           offsetof(struct rect, max.y), offsetof(struct rect, name));
    printf("pd = {%d, %ld, %d}\n", pd.c, pd.l, pd.s);
    return 0;
}
