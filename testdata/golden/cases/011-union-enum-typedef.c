/* union (members share storage; reading the bytes of a 32-bit word shows
   x86-64's little-endian order), enum (implicit and explicit values, enum in
   a switch), typedef of scalars, structs, pointers and arrays, and a tagged
   union. */
#include <stdio.h>
#include <stdint.h>

typedef unsigned long ulong;
typedef int vec3[3];

enum color { RED, GREEN, BLUE = 10, CYAN, MAGENTA = -2, YELLOW };

typedef enum { SHAPE_CIRCLE, SHAPE_SQUARE, SHAPE_RECT } kind_t;

union word {
    uint32_t u32;
    uint16_t u16[2];
    unsigned char b[4];
};

typedef struct shape {
    kind_t kind;
    union {
        int radius;
        int side;
        struct {
            int w, h;
        } rect;
    } u;
} shape_t;

typedef shape_t *shape_ptr;

const char *color_name(enum color c)
{
    switch (c) {
    case RED: return "red";
    case GREEN: return "green";
    case BLUE: return "blue";
    case CYAN: return "cyan";
    case MAGENTA: return "magenta";
    case YELLOW: return "yellow";
    }
    return "?";
}

int area3(shape_ptr s)
{
    switch (s->kind) {
    case SHAPE_CIRCLE:
        return 3 * s->u.radius * s->u.radius;
    case SHAPE_SQUARE:
        return s->u.side * s->u.side;
    default:
        return s->u.rect.w * s->u.rect.h;
    }
}

int main(void)
{
    union word w;
    ulong big = 123456789012UL;
    vec3 v = {1, 2, 3};
    shape_t shapes[3];
    enum color c;
    enum color all[] = {RED, GREEN, BLUE, CYAN, MAGENTA, YELLOW};
    int i;

    w.u32 = 0x11223344;
    printf("bytes: %02x %02x %02x %02x\n", w.b[0], w.b[1], w.b[2], w.b[3]);
    printf("halves: %#x %#x\n", w.u16[0], w.u16[1]);
    w.b[3] = 0xAA;
    printf("after b[3] = 0xAA: %#x\n", w.u32);
    printf("sizeof union word %zu, shape_t %zu\n", sizeof w, sizeof(shape_t));
    printf("enum values: %d %d %d %d %d %d\n", RED, GREEN, BLUE, CYAN, MAGENTA, YELLOW);
    for (i = 0; i < 6; i++) {
        c = all[i];
        printf("%d=%s ", c, color_name(c));
    }
    printf("%s\n", color_name((enum color)3));
    printf("ulong %lu, vec3 sum %d, sizeof(vec3) %zu\n", big, v[0] + v[1] + v[2], sizeof(vec3));
    shapes[0].kind = SHAPE_CIRCLE;
    shapes[0].u.radius = 2;
    shapes[1].kind = SHAPE_SQUARE;
    shapes[1].u.side = 5;
    shapes[2].kind = SHAPE_RECT;
    shapes[2].u.rect.w = 3;
    shapes[2].u.rect.h = 7;
    for (i = 0; i < 3; i++)
        printf("shape %d kind %d area %d\n", i, shapes[i].kind, area3(&shapes[i]));
    printf("radius and side share storage: %d\n", shapes[1].u.radius);
    return 0;
}
