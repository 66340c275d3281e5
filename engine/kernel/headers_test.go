package kernel

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"mmplay/engine/buddy"
	"mmplay/engine/cc/syntax"
)

// A module in the style of LDD's scullp that includes every header and
// uses the macros; it must parse with the project's own parser.
const scullpSnippet = `#include <linux/module.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/spinlock.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/memblock.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/printk.h>
#include <asm/io.h>
#include <asm/page.h>

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Alessandro Rubini, Jonathan Corbet");
module_param(order, int, 0);

static int order = 0;
static int major;
static unsigned long page;
static DEFINE_SPINLOCK(lock);

static ssize_t scullp_read(struct file *filp, char __user *buf, size_t count, loff_t *f_pos)
{
	unsigned long flags;
	int x;
	spin_lock_irqsave(&lock, flags);
	spin_unlock_irqrestore(&lock, flags);
	if (get_user(x, (int __user *)buf))
		return -EFAULT;
	if (put_user(x, (int __user *)buf))
		return -EFAULT;
	if (copy_to_user(buf, (void *)page, count))
		return -EFAULT;
	*f_pos += count;
	return count;
}

static int scullp_open(struct inode *inode, struct file *filp)
{
	filp->private_data = (void *)page;
	return iminor(inode) > 3 ? -ENODEV : 0;
}

static struct file_operations scullp_fops = {
	.owner = THIS_MODULE,
	.read = scullp_read,
	.open = scullp_open,
};

static irqreturn_t handler(int irq, void *dev)
{
	void *p = kmalloc(64, GFP_ATOMIC);
	kfree(p);
	return IRQ_HANDLED;
}

static int scullp_show(struct seq_file *m, void *v)
{
	seq_printf(m, "page %lx order %d\n", page, order);
	return 0;
}

static int __init scullp_init(void)
{
	struct page *pg;
	page = __get_free_pages(GFP_KERNEL, order);
	if (!page)
		return -ENOMEM;
	pg = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
	printk(KERN_INFO "scullp: %lx phys %lx pfn %lu\n", page, virt_to_phys((void *)page), page_to_pfn(pg));
	__free_pages(pg, 1);
	major = register_chrdev(0, "scullp", &scullp_fops);
	request_irq(1, handler, IRQF_SHARED, "scullp", &major);
	proc_create_single("scullpmem", 0, NULL, scullp_show);
	pr_info("in_interrupt %lu PAGE_SIZE %lu\n", in_interrupt(), PAGE_SIZE);
	return 0;
}

static void __exit scullp_exit(void)
{
	remove_proc_entry("scullpmem", NULL);
	free_irq(1, &major);
	unregister_chrdev(major, "scullp");
	free_pages(page, order);
	vfree(vmalloc(PAGE_SIZE));
	memblock_alloc(PAGE_SIZE, SMP_CACHE_BYTES);
}

module_init(scullp_init);
module_exit(scullp_exit);
`

func TestHeadersParse(t *testing.T) {
	_, errs := syntax.Parse("scullp.c", []byte(scullpSnippet), Header)
	for _, e := range errs {
		t.Errorf("%v", e)
	}
	for _, n := range HeaderNames() {
		src := "#include <" + n + ">\n"
		if _, errs := syntax.Parse("h.c", []byte(src), Header); len(errs) > 0 {
			t.Errorf("%s alone: %v", n, errs)
		}
	}
	if _, ok := Header("linux/nothing.h"); ok {
		t.Errorf("unknown header found")
	}
}

// Every function a header declares has a builtin, and every builtin is
// declared (with slab and vmalloc attached).
func TestBuiltinsMatchHeaders(t *testing.T) {
	k, _, _ := bootFull(t, 64<<20, false)
	b := k.Builtins()
	proto := regexp.MustCompile(`(?m)^[a-z][^#\n]*?\*?\s*\**([a-z_][a-z0-9_]*)\((?:[^()]|\([^()]*\))*\);$`)
	declared := map[string]bool{}
	for _, n := range HeaderNames() {
		if n == "linux/string.h" {
			continue // package libc's string builtins, on the caller's memory
		}
		h, _ := Header(n)
		for _, m := range proto.FindAllStringSubmatch(h, -1) {
			if strings.HasPrefix(m[0], "typedef") {
				continue
			}
			declared[m[1]] = true
		}
	}
	var missing, extra []string
	for n := range declared {
		if b[n] == nil {
			missing = append(missing, n)
		}
	}
	for n := range b {
		if !declared[n] {
			extra = append(extra, n)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("declared without a builtin: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("builtins no header declares: %v", extra)
	}
	if len(declared) < 80 {
		t.Errorf("only %d prototypes found: the pattern is broken", len(declared))
	}
}

type fakeVmalloc struct{}

func (fakeVmalloc) Translate(uint64) (uint64, bool, bool)            { return 0, false, false }
func (fakeVmalloc) Vmalloc(uint64, buddy.GFP, string) (uint64, bool) { return 0, false }
func (fakeVmalloc) Vfree(uint64)                                     {}
func (fakeVmalloc) AllocStack(string) (uint64, bool)                 { return 0, false }
func (fakeVmalloc) Ioremap(uint64, uint64, string) (uint64, bool)    { return 0, false }
func (fakeVmalloc) Iounmap(uint64)                                   {}
func (fakeVmalloc) VmallocInfo() string                              { return "" }
func (fakeVmalloc) UsedPages() uint64                                { return 0 }
