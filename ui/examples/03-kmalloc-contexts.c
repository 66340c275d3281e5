// kmalloc's GFP flag says what the caller may do: GFP_KERNEL may sleep, GFP_ATOMIC never does.
// GFP_KERNEL is right in process context, GFP_ATOMIC in an interrupt handler; GFP_KERNEL under a spinlock is a bug.
//
// The debug kernel (debug=on, CONFIG_DEBUG_ATOMIC_SLEEP) prints "BUG:
// sleeping function called from invalid context" for the spinlock case;
// stock Debian 6.1 (debug=off) prints nothing, and the allocation
// succeeds because the slab fast path did not need to sleep this time.
// GFP_DMA objects come from the dma-kmalloc caches, in frames below 16 MiB.
// raise_irq(n) is mmplay's way to make IRQ n fire now.
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/interrupt.h>
#include <linux/spinlock.h>
#include <linux/io.h>

#define DEMO_IRQ 10
static DEFINE_SPINLOCK(lock);
static void *from_irq;

static irqreturn_t demo_irq(int irq, void *dev)
{
    from_irq = kmalloc(256, GFP_ATOMIC);
    pr_info("irq %d: in_interrupt()=%#lx, GFP_ATOMIC kmalloc(256) = %px\n", irq, in_interrupt(), from_irq);
    return IRQ_HANDLED;
}

static int __init contexts_init(void)
{
    void *p, *q, *d;

    p = kmalloc(256, GFP_KERNEL);
    pr_info("process context: GFP_KERNEL kmalloc(256) = %px\n", p);

    if (request_irq(DEMO_IRQ, demo_irq, 0, "demo", NULL))
        return -EBUSY;
    raise_irq(DEMO_IRQ);

    spin_lock(&lock);
    q = kmalloc(64, GFP_KERNEL);            /* wrong: may sleep with a lock held */
    spin_unlock(&lock);
    pr_info("under a spinlock: GFP_KERNEL kmalloc(64) = %px\n", q);

    d = kmalloc(1000, GFP_DMA);
    pr_info("GFP_DMA kmalloc(1000) = %px, physical %#lx (below 16 MiB)\n", d, (unsigned long)virt_to_phys(d));

    free_irq(DEMO_IRQ, NULL);
    kfree(p);
    kfree(q);
    kfree(d);
    kfree(from_irq);
    return 0;
}

static void __exit contexts_exit(void)
{
}

module_init(contexts_init);
module_exit(contexts_exit);
MODULE_LICENSE("GPL");
