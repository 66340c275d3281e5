package engine

import (
	"regexp"
	"strings"
	"testing"
)

// kmem_cache_create/alloc/free/destroy and krealloc from a module: the
// cache's geometry in /proc/slabinfo, the constructor run once per object
// when a slab is made, the double free's report, krealloc in place while
// ksize holds the new size and moved (contents kept) when it does not, and
// the kmemleak-style list at unload naming the cache never destroyed.
func TestKmemCacheAndKrealloc(t *testing.T) {
	src := `#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

struct thing { int a; char name[40]; };
static struct kmem_cache *cache, *tmp;
static int ctors;
static void ctor(void *p) { struct thing *t = p; t->a = 42; ctors++; }

static int __init m_init(void)
{
	struct thing *t, *u;
	char *s, *q;
	cache = kmem_cache_create("thing", sizeof(struct thing), 0, SLAB_HWCACHE_ALIGN, ctor);
	tmp = kmem_cache_create("tmp", 100, 8, 0, NULL);
	t = kmem_cache_alloc(cache, GFP_KERNEL);
	u = kmem_cache_zalloc(tmp, GFP_KERNEL);
	pr_info("a=%d ctors=%d step=%ld\n", t->a, ctors, (long)((char *)kmem_cache_alloc(cache, GFP_KERNEL) - (char *)t));
	kmem_cache_free(tmp, u);
	kmem_cache_destroy(tmp);
	kmem_cache_free(cache, t);
	kmem_cache_free(cache, t);
	s = kmalloc(10, GFP_KERNEL);
	strcpy(s, "hello");
	q = krealloc(s, 16, GFP_KERNEL);
	pr_info("same=%d ksize=%zu\n", q == s, ksize(q));
	s = krealloc(q, 100, GFP_KERNEL);
	pr_info("moved=%d ksize=%zu %s\n", q != s, ksize(s), s);
	kfree(s);
	return 0;
}
static void __exit m_exit(void) { }
module_init(m_init);
module_exit(m_exit);
MODULE_LICENSE("GPL");
`
	s := NewSession(compile(t, "kc.c", src, "debug=off"))
	defer s.Close()
	s.CaptureProc([]string{"/proc/slabinfo"})
	r := s.Run()
	if r.Internal != nil {
		t.Fatal(r.Internal)
	}
	log := strings.Join(r.KernelLog, "\n")
	for _, want := range []string{
		"a=42 ctors=64 step=64", // 44 bytes aligned to the cache line; 64 objects in one page, each constructed
		"BUG thing (Tainted: G           OE     ): Object already free",
		"same=1 ksize=16",
		"moved=1 ksize=128 hello",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("no %q in the log:\n%s", want, log)
		}
	}
	slabinfo, _ := s.ProcFile("/proc/slabinfo")
	if !regexp.MustCompile(`(?m)^thing +64 +64 +64 +64 +1 :`).MatchString(slabinfo) {
		t.Errorf("slabinfo has no thing row of 64 active (SLUB counts the CPU slab as all in use), objsize 64, 64 per slab, 1 page:\n%s", slabinfo)
	}
	if strings.Contains(slabinfo, "\ntmp ") {
		t.Errorf("the destroyed cache is still listed")
	}
	reports := strings.Join(r.Reports, "\n")
	if !strings.Contains(reports, `kc: kmem_cache "thing" never destroyed`) ||
		!strings.Contains(reports, "kc: kmem_cache_alloc object of 44 bytes") || strings.Contains(reports, "krealloc object") {
		t.Errorf("reports:\n%s", reports)
	}
}
