/* A singly linked list on the heap: push at the head, append at the tail
   through a pointer to the link, find, delete with a pointer to pointer,
   reverse in place, and free every node.  Only values are printed. */
#include <stdio.h>
#include <stdlib.h>

struct node {
    int value;
    struct node *next;
};

struct node *new_node(int value)
{
    struct node *n = malloc(sizeof *n);
    if (n == NULL) {
        puts("out of memory");
        exit(1);
    }
    n->value = value;
    n->next = NULL;
    return n;
}

void push(struct node **head, int value)
{
    struct node *n = new_node(value);
    n->next = *head;
    *head = n;
}

void append(struct node **head, int value)
{
    struct node **link = head;
    while (*link)
        link = &(*link)->next;
    *link = new_node(value);
}

int remove_value(struct node **head, int value)
{
    struct node **link;
    struct node *dead;
    for (link = head; *link; link = &(*link)->next)
        if ((*link)->value == value) {
            dead = *link;
            *link = dead->next;
            free(dead);
            return 1;
        }
    return 0;
}

struct node *reverse(struct node *head)
{
    struct node *prev = NULL;
    struct node *next;
    while (head) {
        next = head->next;
        head->next = prev;
        prev = head;
        head = next;
    }
    return prev;
}

void print(const char *label, struct node *n)
{
    printf("%s:", label);
    for (; n; n = n->next)
        printf(" %d", n->value);
    printf("\n");
}

int free_all(struct node *n)
{
    int count = 0;
    struct node *next;
    while (n) {
        next = n->next;
        free(n);
        n = next;
        count++;
    }
    return count;
}

int main(void)
{
    struct node *list = NULL;
    int i;

    for (i = 1; i <= 5; i++)
        push(&list, i * 10);
    print("pushed", list);
    append(&list, 99);
    append(&list, 100);
    print("appended", list);
    printf("remove 30: %d, remove 77: %d\n", remove_value(&list, 30), remove_value(&list, 77));
    remove_value(&list, 50);
    remove_value(&list, 100);
    print("removed 30, 50, 100", list);
    list = reverse(list);
    print("reversed", list);
    printf("freed %d nodes\n", free_all(list));
    return 0;
}
