/* A binary search tree on the heap: insert (duplicates ignored), search,
   in-order and pre-order walks, height, count of leaves, min and max, and
   freeing the whole tree post-order. */
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>

typedef struct tree {
    int key;
    struct tree *left, *right;
} tree;

tree *insert(tree *t, int key)
{
    if (t == NULL) {
        t = malloc(sizeof(tree));
        t->key = key;
        t->left = t->right = NULL;
        return t;
    }
    if (key < t->key)
        t->left = insert(t->left, key);
    else if (key > t->key)
        t->right = insert(t->right, key);
    return t;
}

bool contains(const tree *t, int key)
{
    while (t) {
        if (key == t->key)
            return true;
        t = key < t->key ? t->left : t->right;
    }
    return false;
}

void in_order(const tree *t)
{
    if (!t)
        return;
    in_order(t->left);
    printf(" %d", t->key);
    in_order(t->right);
}

void pre_order(const tree *t)
{
    if (!t)
        return;
    printf(" %d", t->key);
    pre_order(t->left);
    pre_order(t->right);
}

int height(const tree *t)
{
    int l, r;
    if (!t)
        return 0;
    l = height(t->left);
    r = height(t->right);
    return 1 + (l > r ? l : r);
}

int leaves(const tree *t)
{
    if (!t)
        return 0;
    if (!t->left && !t->right)
        return 1;
    return leaves(t->left) + leaves(t->right);
}

int destroy(tree *t)
{
    int n;
    if (!t)
        return 0;
    n = destroy(t->left) + destroy(t->right) + 1;
    free(t);
    return n;
}

int main(void)
{
    int keys[] = {50, 30, 70, 20, 40, 60, 80, 35, 45, 65, 30, 50};
    tree *root = NULL;
    const tree *t;
    int i;

    for (i = 0; i < (int)(sizeof keys / sizeof keys[0]); i++)
        root = insert(root, keys[i]);
    printf("in-order:");
    in_order(root);
    printf("\npre-order:");
    pre_order(root);
    printf("\nheight %d, leaves %d\n", height(root), leaves(root));
    printf("contains 45 %d, 55 %d, 80 %d\n", contains(root, 45), contains(root, 55), contains(root, 80));
    for (t = root; t->left; t = t->left)
        ;
    printf("min %d", t->key);
    for (t = root; t->right; t = t->right)
        ;
    printf(", max %d\n", t->key);
    for (i = 1; i <= 7; i++)
        root = insert(root, 100 + i);
    printf("after 7 ascending inserts: height %d\n", height(root));
    printf("freed %d nodes\n", destroy(root));
    return 0;
}
