package glibc

import "testing"

// Go translations of the oracle's public cases: the same calls in the
// same order on the model with the fake kernel, printed with the same
// formats, compared with the real machine's output byte for byte. Page
// faults and rss come from the fake kernel's demand-paging counts (one
// fault per first touch, zero page on read), which are the rules the
// oracle README states. 031-mmap-direct makes no allocator call (it is
// the mm model's mmap placement) and is not translated here.
var oracleCases = map[string]func(p *proc){
	"001-first-malloc": func(p *proc) {
		a := p.malloc(1)
		brk1 := p.brkOff()
		q := p.malloc(1)
		r := p.malloc(1000)
		brk2 := p.brkOff()
		p.printf("p = malloc(1)    at base+0x%lx\n", p.off(a))
		p.printf("q = malloc(1)    at base+0x%lx\n", p.off(q))
		p.printf("r = malloc(1000) at base+0x%lx\n", p.off(r))
		p.printf("brk after first malloc: base+0x%lx\n", brk1)
		p.printf("brk after three mallocs: base+0x%lx\n", brk2)
	},
	"002-usable-sizes": func(p *proc) {
		req := []uint64{0, 1, 8, 16, 24, 25, 32, 40, 41, 56, 100, 1000, 1024, 1032, 1033, 4096, 10000}
		ptr := make([]uint64, 18)
		for i, r := range req {
			ptr[i] = p.malloc(r)
		}
		ptr[17] = p.malloc(16)
		for i, r := range req {
			p.printf("malloc(%ld): at base+0x%lx usable %zu chunk 0x%lx\n", r, p.off(ptr[i]), p.usable(ptr[i]), ptr[i+1]-ptr[i])
		}
	},
	"003-tcache-lifo": func(p *proc) {
		a, b, c := p.malloc(32), p.malloc(32), p.malloc(32)
		p.free(a)
		p.free(b)
		p.free(c)
		x, y, z, w := p.malloc(32), p.malloc(32), p.malloc(32), p.malloc(32)
		p.printf("a=base+0x%lx b=base+0x%lx c=base+0x%lx\n", p.off(a), p.off(b), p.off(c))
		p.printf("after free(a), free(b), free(c):\n")
		p.printf("x=base+0x%lx y=base+0x%lx z=base+0x%lx w=base+0x%lx\n", p.off(x), p.off(y), p.off(z), p.off(w))
		p.printf("x==c %d y==b %d z==a %d\n", b2i(x == c), b2i(y == b), b2i(z == a))
	},
	"005-tcache-full-fastbin": func(p *proc) {
		var ps, qs [10]uint64
		for i := range ps {
			ps[i] = p.malloc(100)
		}
		for i := range ps {
			p.free(ps[i])
		}
		for i := range qs {
			qs[i] = p.malloc(100)
		}
		for i := range ps {
			p.printf("p%d at base+0x%lx\n", i, p.off(ps[i]))
		}
		for i := range qs {
			who := -1
			for j := range ps {
				if qs[i] == ps[j] {
					who = j
				}
			}
			p.printf("malloc #%d -> p%d\n", i, who)
		}
	},
	"007-fastbin-consolidate": func(p *proc) {
		var fill [7]uint64
		for i := range fill {
			fill[i] = p.malloc(40)
		}
		a, b, c, g := p.malloc(40), p.malloc(40), p.malloc(40), p.malloc(40)
		for i := range fill {
			p.free(fill[i])
		}
		p.free(a)
		p.free(b)
		p.free(c)
		x := p.malloc(120)
		y := p.malloc(1100)
		z := p.malloc(120)
		p.printf("a=base+0x%lx b=base+0x%lx c=base+0x%lx g=base+0x%lx\n", p.off(a), p.off(b), p.off(c), p.off(g))
		p.printf("x=malloc(120)  -> base+0x%lx\n", p.off(x))
		p.printf("y=malloc(1100) -> base+0x%lx\n", p.off(y))
		p.printf("z=malloc(120)  -> base+0x%lx usable %zu\n", p.off(z), p.usable(z))
	},
	"008-free-into-top": func(p *proc) {
		a, b := p.malloc(2000), p.malloc(2000)
		p.free(b)
		c := p.malloc(3000)
		p.free(c)
		p.free(a)
		d := p.malloc(5000)
		e := p.malloc(10)
		p.printf("a=base+0x%lx b=base+0x%lx\n", p.off(a), p.off(b))
		p.printf("c=malloc(3000) -> base+0x%lx\n", p.off(c))
		p.printf("d=malloc(5000) -> base+0x%lx\n", p.off(d))
		p.printf("e=malloc(10)   -> base+0x%lx\n", p.off(e))
		p.printf("brk: base+0x%lx\n", p.brkOff())
	},
	"010-unsorted-split": func(p *proc) {
		x, g := p.malloc(5000), p.malloc(16)
		p.free(x)
		a, b, c, d := p.malloc(1000), p.malloc(1000), p.malloc(100), p.malloc(3000)
		p.printf("x=base+0x%lx g=base+0x%lx\n", p.off(x), p.off(g))
		p.printf("a=malloc(1000) -> x+0x%lx\n", a-x)
		p.printf("b=malloc(1000) -> x+0x%lx\n", b-x)
		p.printf("c=malloc(100)  -> x+0x%lx\n", c-x)
		p.printf("d=malloc(3000) -> base+0x%lx\n", p.off(d))
	},
	"011-smallbin-fifo": func(p *proc) {
		var ps, guard, qs [9]uint64
		for i := range ps {
			ps[i] = p.malloc(256)
			guard[i] = p.malloc(16)
		}
		for i := range ps {
			p.free(ps[i])
		}
		big := p.malloc(3000)
		for i := range qs {
			qs[i] = p.malloc(256)
		}
		p.printf("big=malloc(3000) -> base+0x%lx\n", p.off(big))
		for i := range qs {
			who := -1
			for j := range ps {
				if qs[i] == ps[j] {
					who = j
				}
			}
			p.printf("malloc #%d -> p%d\n", i, who)
		}
	},
	"013-calloc-no-tcache": func(p *proc) {
		countNonzero := func(a uint64, n int) int {
			k := 0
			for i := 0; i < n; i++ {
				if p.k.Load(a+uint64(i), 1) != 0 {
					k++
				}
			}
			return k
		}
		a := p.malloc(40)
		for i := uint64(0); i < 40; i++ {
			p.k.Store(a+i, 1, 'A')
		}
		p.free(a)
		q := p.calloc(1, 40)
		r := p.malloc(40)
		left := 0
		for i := uint64(16); i < 40; i++ {
			if p.k.Load(r+i, 1) == 'A' {
				left++
			}
		}
		nzq := countNonzero(q, 40)
		var fill [7]uint64
		for i := range fill {
			fill[i] = p.malloc(40)
		}
		s := p.malloc(40)
		for i := uint64(0); i < 40; i++ {
			p.k.Store(s+i, 1, 'B')
		}
		for i := range fill {
			p.free(fill[i])
		}
		p.free(s)
		t := p.calloc(5, 8)
		nzt := countNonzero(t, 40)
		p.printf("p=base+0x%lx\n", p.off(a))
		p.printf("q=calloc(1,40) -> base+0x%lx, nonzero bytes %d\n", p.off(q), nzq)
		p.printf("r=malloc(40)   -> base+0x%lx, old bytes kept %d\n", p.off(r), left)
		p.printf("s=base+0x%lx\n", p.off(s))
		p.printf("t=calloc(5,8)  -> base+0x%lx, nonzero bytes %d\n", p.off(t), nzt)
	},
	"015-realloc-in-place": func(p *proc) {
		a := p.malloc(100)
		u0 := p.usable(a)
		p.k.Store(a, 1, 'x')
		p.k.Store(a+99, 1, 'y')
		p1 := p.realloc(a, 1000)
		p2 := p.realloc(p1, 5000)
		q := p.malloc(16)
		p3 := p.realloc(p2, 1000)
		m := p.realloc(p3, 8000)
		same := b2i(p.k.Load(m, 1) == 'x') + b2i(p.k.Load(m+99, 1) == 'y')
		p.printf("p=malloc(100)       -> base+0x%lx usable %zu\n", p.off(a), u0)
		p.printf("realloc(p, 1000)    -> base+0x%lx\n", p.off(p1))
		p.printf("realloc(p, 5000)    -> base+0x%lx\n", p.off(p2))
		p.printf("q=malloc(16)        -> base+0x%lx\n", p.off(q))
		p.printf("realloc(p, 1000)    -> base+0x%lx usable %zu\n", p.off(p3), p.usable(p3))
		p.printf("realloc(p, 8000)    -> base+0x%lx usable %zu, contents kept %d/2\n", p.off(m), p.usable(m), same)
		p.printf("brk: base+0x%lx\n", p.brkOff())
	},
	"017-realloc-merge-next": func(p *proc) {
		a, q, g := p.malloc(2000), p.malloc(2000), p.malloc(16)
		x, b, g2 := p.malloc(200), p.malloc(200), p.malloc(16)
		p.free(q)
		p1 := p.realloc(a, 3500)
		n := p.malloc(500)
		p.free(b)
		a1 := p.realloc(x, 400)
		p.printf("p=base+0x%lx q=base+0x%lx g=base+0x%lx\n", p.off(a), p.off(q), p.off(g))
		p.printf("realloc(p, 3500) -> base+0x%lx usable %zu\n", p.off(p1), p.usable(p1))
		p.printf("n=malloc(500)    -> base+0x%lx\n", p.off(n))
		p.printf("a=base+0x%lx b=base+0x%lx g2=base+0x%lx\n", p.off(x), p.off(b), p.off(g2))
		p.printf("realloc(a, 400)  -> base+0x%lx usable %zu\n", p.off(a1), p.usable(a1))
	},
	"019-brk-growth": func(p *proc) {
		last := p.brkOff()
		var at, to []uint64
		var a uint64
		for i := uint64(0); i < 60; i++ {
			a = p.malloc(30000)
			if now := p.brkOff(); now != last {
				at, to = append(at, i), append(to, now)
				last = now
			}
		}
		p.printf("last chunk at base+0x%lx\n", p.off(a))
		for i := range at {
			p.printf("malloc #%ld moved brk to base+0x%lx\n", at[i], to[i])
		}
	},
	"020-mallopt-top-pad": func(p *proc) {
		r := p.mallopt(M_TOP_PAD, 0)
		a := p.malloc(1)
		b1 := p.brkOff()
		b := p.malloc(5000)
		b2 := p.brkOff()
		p.mallopt(M_TOP_PAD, 1024*1024)
		c := p.malloc(5000)
		b3 := p.brkOff()
		d := p.malloc(5000)
		b4 := p.brkOff()
		p.printf("mallopt(M_TOP_PAD, 0) returned %d\n", r)
		p.printf("a=malloc(1)    -> base+0x%lx, brk base+0x%lx\n", p.off(a), b1)
		p.printf("b=malloc(5000) -> base+0x%lx, brk base+0x%lx\n", p.off(b), b2)
		p.printf("top pad now 1 MiB\n")
		p.printf("c=malloc(5000) -> base+0x%lx, brk base+0x%lx\n", p.off(c), b3)
		p.printf("d=malloc(5000) -> base+0x%lx, brk base+0x%lx\n", p.off(d), b4)
	},
	"021-mmap-threshold-vs-top": func(p *proc) {
		p1 := p.malloc(131072)
		b1 := p.brkOff()
		m1 := p.isMmapped(p1)
		p2 := p.malloc(131072)
		m2 := p.isMmapped(p2)
		p3 := p.malloc(131048)
		b3 := p.brkOff()
		m3 := p.isMmapped(p3)
		p4 := p.malloc(131072)
		b4 := p.brkOff()
		m4 := p.isMmapped(p4)
		p5 := p.malloc(131072)
		m5 := p.isMmapped(p5)
		p.printf("p1=malloc(131072): mmapped %d at base+0x%lx, brk base+0x%lx\n", m1, p.off(p1), b1)
		p.printf("p2=malloc(131072): mmapped %d usable %zu\n", m2, p.usable(p2))
		p.printf("p3=malloc(131048): mmapped %d at base+0x%lx, brk base+0x%lx\n", m3, p.off(p3), b3)
		p.printf("p4=malloc(131072): mmapped %d at base+0x%lx, brk base+0x%lx\n", m4, p.off(p4), b4)
		p.printf("p5=malloc(131072): mmapped %d, offset from p2 %ld\n", m5, int64(p5-p2))
	},
	"022-dynamic-threshold": func(p *proc) {
		p.free(p.malloc(16))
		brk0 := p.brkOff()
		a := p.malloc(200000)
		ma := p.isMmapped(a)
		p.free(a)
		b := p.malloc(200000)
		mb := p.isMmapped(b)
		c := p.malloc(300000)
		mc := p.isMmapped(c)
		p.free(c)
		d := p.malloc(300000)
		md := p.isMmapped(d)
		e := p.malloc(40000000)
		me := p.isMmapped(e)
		p.free(e)
		f := p.malloc(40000000)
		mf := p.isMmapped(f)
		g := p.malloc(310000)
		mg := p.isMmapped(g)
		brk1 := p.brkOff()
		p.printf("malloc(200000) mmapped %d\n", ma)
		p.printf("after free: malloc(200000) mmapped %d at base+0x%lx\n", mb, p.off(b))
		p.printf("malloc(300000) mmapped %d\n", mc)
		p.printf("after free: malloc(300000) mmapped %d at base+0x%lx\n", md, p.off(d))
		p.printf("malloc(40000000) mmapped %d\n", me)
		p.printf("after free: malloc(40000000) mmapped %d\n", mf)
		p.printf("malloc(310000) mmapped %d\n", mg)
		p.printf("brk grew by 0x%lx\n", brk1-brk0)
	},
	"024-mmap-max-zero": func(p *proc) {
		r := p.mallopt(M_MMAP_MAX, 0)
		a := p.malloc(100)
		x := p.malloc(1000000)
		mp, up := p.isMmapped(x), p.usable(x)
		b1 := p.brkOff()
		p.free(x)
		b2 := p.brkOff()
		p.printf("mallopt(M_MMAP_MAX, 0) returned %d\n", r)
		p.printf("a=malloc(100) at base+0x%lx\n", p.off(a))
		p.printf("p=malloc(1000000): mmapped %d at base+0x%lx usable %zu\n", mp, p.off(x), up)
		p.printf("brk after malloc: base+0x%lx\n", b1)
		p.printf("brk after free:   base+0x%lx\n", b2)
	},
	"025-trim-disabled-memory-stays": func(p *proc) {
		const n = 64 << 20
		r1 := p.mallopt(M_TRIM_THRESHOLD, -1)
		r2 := p.mallopt(M_MMAP_MAX, 0)
		p.free(p.malloc(16))
		brk0 := p.brkOff()
		rss0, f0 := p.k.rss, p.k.faults
		x := p.malloc(n)
		brk1 := p.brkOff()
		rss1 := p.k.rss
		for i := uint64(0); i < n; i += 4096 {
			p.k.Store(x+i, 1, 1)
		}
		rss2, f1 := p.k.rss, p.k.faults
		p.free(x)
		brk2 := p.brkOff()
		rss3 := p.k.rss
		q := p.malloc(n)
		brk3 := p.brkOff()
		f2 := p.k.faults
		for i := uint64(0); i < n; i += 4096 {
			p.k.Store(q+i, 1, 2)
		}
		f3, rss4 := p.k.faults, p.k.rss
		p.printf("mallopt returned %d %d\n", r1, r2)
		p.printf("p=malloc(64 MiB) at base+0x%lx, brk grew by 0x%lx\n", p.off(x), brk1-brk0)
		p.printf("malloc: rss +%ld pages\n", rss1-rss0)
		p.printf("write every page: rss +%ld pages, faults so far %ld\n", rss2-rss1, f1-f0)
		p.printf("free(p): brk moved by %ld, rss change %ld\n", int64(brk2-brk1), rss3-rss2)
		p.printf("q=malloc(64 MiB) at base+0x%lx, brk moved by %ld\n", p.off(q), int64(brk3-brk2))
		p.printf("write every page of q: faults %ld, rss change %ld\n", f3-f2, rss4-rss3)
	},
	"026-trim-on-free": func(p *proc) {
		const n = 64 << 20
		p.mallopt(M_MMAP_MAX, 0)
		x := p.malloc(n)
		brk1 := p.brkOff()
		for i := uint64(0); i < n; i += 4096 {
			p.k.Store(x+i, 1, 1)
		}
		rss1 := p.k.rss
		p.free(x)
		brk2 := p.brkOff()
		rss2 := p.k.rss
		x = p.malloc(100000)
		rss3 := p.k.rss
		p.printf("p=malloc(64 MiB) at base+0x%lx, brk base+0x%lx\n", p.off(x), brk1)
		p.printf("after free: brk base+0x%lx, rss change %ld pages\n", brk2, rss2-rss1)
		p.printf("malloc(100000) at base+0x%lx, brk base+0x%lx, rss change %ld pages\n", p.off(x), p.brkOff(), rss3-rss2)
	},
	"028-malloc-trim": func(p *proc) {
		const n = 8 << 20
		p.mallopt(M_TRIM_THRESHOLD, -1)
		p.mallopt(M_MMAP_MAX, 0)
		a, g, b := p.malloc(n), p.malloc(100), p.malloc(n)
		for i := uint64(0); i < n; i += 4096 {
			p.k.Store(a+i, 1, 1)
			p.k.Store(b+i, 1, 1)
		}
		brk1, rss1 := p.brkOff(), p.k.rss
		p.free(a)
		p.free(b)
		brk2, rss2 := p.brkOff(), p.k.rss
		t := p.trim(0)
		brk3, rss3 := p.brkOff(), p.k.rss
		p.printf("a at base+0x%lx, g at base+0x%lx, b at base+0x%lx\n", p.off(a), p.off(g), p.off(b))
		p.printf("after frees: brk moved by %ld, rss change %ld pages\n", int64(brk2-brk1), rss2-rss1)
		p.printf("malloc_trim(0) returned %d\n", t)
		p.printf("after trim: brk base+0x%lx, rss change %ld pages\n", brk3, rss3-rss2)
	},
	"029-demand-paging-mmap": func(p *proc) {
		const n = 64 << 20
		var sum uint64
		p.free(p.malloc(16))
		r0, f0 := p.k.rss, p.k.faults
		x := p.malloc(n)
		r1, f1 := p.k.rss, p.k.faults
		mp, up := p.isMmapped(x), p.usable(x)
		for i := uint64(0); i < n; i += 4096 {
			sum += p.k.Load(x+i, 1)
		}
		r2, f2 := p.k.rss, p.k.faults
		for i := uint64(0); i < n; i += 4096 {
			p.k.Store(x+i, 1, 1)
		}
		r3, f3 := p.k.rss, p.k.faults
		p.free(x)
		r4, f4 := p.k.rss, p.k.faults
		p.printf("malloc(64 MiB): mmapped %d usable %zu\n", mp, up)
		p.printf("after malloc: rss %ld pages, faults %ld\n", r1-r0, f1-f0)
		p.printf("read every page (sum %ld): rss %ld pages, faults %ld\n", sum, r2-r1, f2-f1)
		p.printf("write every page: rss %ld pages, faults %ld\n", r3-r2, f3-f2)
		p.printf("free: rss %ld pages, faults %ld\n", r4-r3, f4-f3)
	},
	"033-printf-buffer": func(p *proc) {
		a := p.malloc(16)
		p.printf("first line\n")
		b := p.malloc(16)
		p.printf("second line\n")
		c := p.malloc(16)
		p.printf("a=malloc(16) before any printf: base+0x%lx\n", p.off(a))
		p.printf("b=malloc(16) after one printf:  base+0x%lx\n", p.off(b))
		p.printf("c=malloc(16) after two printfs: base+0x%lx\n", p.off(c))
		p.printf("stdout buffer chunk: 0x%lx bytes\n", (b-a)-0x20)
	},
	"034-sbrk-before-malloc": func(p *proc) {
		mine := p.sbrk(100)
		for i := uint64(0); i < 100; i++ {
			p.k.Store(mine+i, 1, 'm')
		}
		a := p.malloc(1)
		brk1 := p.brkOff()
		q := p.malloc(1)
		p.printf("sbrk(100) returned base+0x%lx\n", p.off(mine))
		p.printf("p=malloc(1) at base+0x%lx\n", p.off(a))
		p.printf("q=malloc(1) at base+0x%lx\n", p.off(q))
		p.printf("brk after first malloc: base+0x%lx\n", brk1)
		p.printf("my bytes intact: %d\n", b2i(p.k.Load(mine, 1) == 'm' && p.k.Load(mine+99, 1) == 'm'))
	},
	"036-mxfast-zero": func(p *proc) {
		r := p.mallopt(M_MXFAST, 0)
		var fill, fill2 [7]uint64
		for i := range fill {
			fill[i] = p.malloc(56)
		}
		a, b, g := p.malloc(56), p.malloc(56), p.malloc(56)
		for i := range fill {
			p.free(fill[i])
		}
		p.free(a)
		p.free(b)
		x := p.malloc(120)
		p.mallopt(M_MXFAST, 128)
		for i := range fill2 {
			fill2[i] = p.malloc(40)
		}
		c, d, g2 := p.malloc(40), p.malloc(40), p.malloc(40)
		for i := range fill2 {
			p.free(fill2[i])
		}
		p.free(c)
		p.free(d)
		y := p.malloc(80)
		p.printf("mallopt(M_MXFAST, 0) returned %d\n", r)
		p.printf("fastbins off: a=base+0x%lx b=base+0x%lx, malloc(120) -> base+0x%lx\n", p.off(a), p.off(b), p.off(x))
		p.printf("fastbins on:  c=base+0x%lx d=base+0x%lx, malloc(80) -> base+0x%lx\n", p.off(c), p.off(d), p.off(y))
		p.printf("guards at base+0x%lx base+0x%lx\n", p.off(g), p.off(g2))
	},
	"038-zero-and-null": func(p *proc) {
		a, b := p.malloc(0), p.malloc(0)
		ua := p.usable(a)
		p.free(0)
		c := p.realloc(0, 50)
		d := p.realloc(c, 0)
		e := p.malloc(50)
		f := p.calloc(0, 0)
		p.printf("malloc(0) -> base+0x%lx usable %zu\n", p.off(a), ua)
		p.printf("malloc(0) -> base+0x%lx\n", p.off(b))
		p.printf("realloc(NULL, 50) -> base+0x%lx\n", p.off(c))
		p.printf("realloc(c, 0) returned NULL: %d\n", b2i(d == 0))
		p.printf("malloc(50) -> base+0x%lx (c again: %d)\n", p.off(e), b2i(e == c))
		p.printf("calloc(0, 0) -> base+0x%lx usable %zu\n", p.off(f), p.usable(f))
	},
	"039-double-free-tcache": func(p *proc) {
		a, b := p.malloc(24), p.malloc(24)
		p.free(a)
		p.free(b)
		p.free(a)
	},
	"041-double-free-unsorted": func(p *proc) {
		a, g := p.malloc(2000), p.malloc(16)
		p.k.Store(g, 1, 1)
		p.free(a)
		p.free(a)
	},
	"043-free-bad-pointer": func(p *proc) {
		a := p.malloc(100)
		p.free(a + 8)
	},
}

func TestOracleCases(t *testing.T) {
	for _, name := range sortedNames(oracleCases) {
		t.Run(name, func(t *testing.T) {
			_, out, errText := readOracle(t, name)
			p := newProc()
			p.check = checkEvery(t)
			gotOut, gotErr := p.run(func() { oracleCases[name](p) })
			compareOutput(t, gotOut, gotErr, out, errText)
		})
	}
}

func sortedNames(m map[string]func(*proc)) []string {
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sortStrings(names)
	return names
}
