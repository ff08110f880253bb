package progress_test

import (
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/metalink-resources/metalink-resources/shared/progress"
)

const (
	mib = 1 << 20
	gib = 1 << 30
)

// fakeClock moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var _ = Describe("formatting a progress line", func() {
	DescribeTable("names the file, the bytes, the percent when the size is known, and the rate",
		func(bytes, total int64, rate float64, line string) {
			Expect(progress.Format("go1.2.tgz", bytes, total, rate)).To(Equal(line))
		},
		Entry("half way", int64(512*mib), int64(gib), 210.3*mib, "go1.2.tgz: 512.0 MiB / 1.0 GiB (50%) 210.3 MiB/s"),
		Entry("unknown size", int64(512*mib), int64(-1), 1.5*1024, "go1.2.tgz: 512.0 MiB 1.5 KiB/s"),
		Entry("small and slow", int64(100), int64(1000), 12.0, "go1.2.tgz: 100 B / 1000 B (10%) 12 B/s"),
		Entry("an empty file", int64(0), int64(0), 0.0, "go1.2.tgz: 0 B / 0 B (100%) 0 B/s"),
		Entry("rounding down the percent", int64(999), int64(1000), 0.0, "go1.2.tgz: 999 B / 1000 B (99%) 0 B/s"),
	)

	DescribeTable("writes byte counts in binary units",
		func(n int64, text string) { Expect(progress.Bytes(n)).To(Equal(text)) },
		Entry("bytes", int64(1023), "1023 B"),
		Entry("kibibytes", int64(1536), "1.5 KiB"),
		Entry("mebibytes", int64(10*mib), "10.0 MiB"),
		Entry("gibibytes", int64(3*gib/2), "1.5 GiB"),
		Entry("tebibytes", int64(2048)*gib, "2.0 TiB"),
	)
})

var _ = Describe("a meter", func() {
	It("prints a line every tick with the recent rate, then a final line with the average", func() {
		out := gbytes.NewBuffer()
		clock := &fakeClock{now: time.Unix(1000, 0)}
		ticks := make(chan time.Time)
		meter := progress.Start(out, "go.tgz", progress.Options{Ticks: ticks, Now: clock.Now})
		meter.SetTotal(4 * mib)
		meter.Add(mib)
		clock.Advance(time.Second)
		ticks <- clock.Now()
		Eventually(out).Should(gbytes.Say(`^go.tgz: 1.0 MiB / 4.0 MiB \(25%\) 1.0 MiB/s\n`))
		meter.Add(3 * mib)
		clock.Advance(time.Second)
		ticks <- clock.Now()
		Eventually(out).Should(gbytes.Say(`^go.tgz: 4.0 MiB / 4.0 MiB \(100%\) 3.0 MiB/s\n`))
		meter.Stop()
		Eventually(out).Should(gbytes.Say(`go.tgz: 4.0 MiB / 4.0 MiB \(100%\) 2.0 MiB/s\n$`))
		meter.Stop()
		Expect(strings.Count(string(out.Contents()), "2.0 MiB/s")).To(Equal(1), "a second Stop prints nothing")
		Expect(string(out.Contents())).NotTo(ContainSubstring("\r"))
	})

	It("counts from zero again after a restart", func() {
		out := gbytes.NewBuffer()
		clock := &fakeClock{now: time.Unix(1000, 0)}
		meter := progress.Start(out, "go.tgz", progress.Options{Interval: time.Hour, Now: clock.Now})
		meter.Add(mib)
		clock.Advance(time.Second)
		meter.Restart()
		meter.Add(2 * mib)
		clock.Advance(2 * time.Second)
		meter.Stop()
		Expect(string(out.Contents())).To(Equal("go.tgz: 2.0 MiB 1.0 MiB/s\n"))
	})

	It("prints nothing for a transfer that has not started, not even a final line", func() {
		out := gbytes.NewBuffer()
		ticks := make(chan time.Time)
		meter := progress.Start(out, "go.tgz", progress.Options{Ticks: ticks})
		meter.SetTotal(24 * mib)
		ticks <- time.Now()
		ticks <- time.Now() // the first tick was handled once the second is taken
		meter.Stop()
		Expect(out.Contents()).To(BeEmpty())
	})

	It("names the mirrors in use, and who served how much in the final line", func() {
		out := gbytes.NewBuffer()
		clock := &fakeClock{now: time.Unix(1000, 0)}
		ticks := make(chan time.Time)
		meter := progress.Start(out, "go.tgz", progress.Options{Ticks: ticks, Now: clock.Now})
		meter.SetTotal(4 * mib)
		meter.SetMirrors(3)
		meter.Add(2 * mib)
		clock.Advance(time.Second)
		ticks <- clock.Now()
		Eventually(out).Should(gbytes.Say(`^go.tgz: 2.0 MiB / 4.0 MiB \(50%\) 2.0 MiB/s from 3 mirrors\n`))
		meter.Add(2 * mib)
		clock.Advance(time.Second)
		meter.Done([]progress.Served{{URL: "http://a/go.tgz", Bytes: 3 * mib}, {URL: "http://b/go.tgz", Bytes: mib}, {URL: "http://c/go.tgz"}})
		Expect(out).To(gbytes.Say(`go.tgz: 4.0 MiB / 4.0 MiB \(100%\) 2.0 MiB/s, served by http://a/go.tgz \(3.0 MiB\), http://b/go.tgz \(1.0 MiB\), http://c/go.tgz \(0 B\)\n$`))
		meter.Stop()
		Expect(strings.Count(string(out.Contents()), "served by")).To(Equal(1), "Stop after Done prints nothing")
	})

	It("names the one URL that served a file", func() {
		out := gbytes.NewBuffer()
		meter := progress.Start(out, "go.tgz", progress.Options{Interval: time.Hour})
		meter.Add(100)
		meter.Done([]progress.Served{{URL: "http://a/go.tgz", Bytes: 100}})
		Expect(string(out.Contents())).To(MatchRegexp(`^go.tgz: 100 B [0-9.]+ (B|KiB|MiB)/s, served by http://a/go.tgz\n$`))
	})

	It("ticks by itself every interval", func() {
		out := gbytes.NewBuffer()
		meter := progress.Start(out, "go.tgz", progress.Options{Interval: 10 * time.Millisecond})
		meter.Add(100)
		Eventually(out).Should(gbytes.Say(`go.tgz: 100 B [0-9.]+ (B|KiB|MiB)/s\n`))
		meter.Stop()
	})

	It("prints nothing without a writer and still stops at once, also when stopped twice", func() {
		meter := progress.Start(nil, "go.tgz", progress.Options{Interval: time.Millisecond})
		meter.Add(10)
		stopped := make(chan struct{})
		go func() {
			meter.Stop()
			meter.Stop()
			close(stopped)
		}()
		Eventually(stopped).WithTimeout(time.Second).Should(BeClosed())
	})
})

var _ = Describe("a release", func() {
	It("prints the files done and the bytes of all its files every tick, counting a start-over once", func() {
		out := gbytes.NewBuffer()
		clock := &fakeClock{now: time.Unix(1000, 0)}
		ticks := make(chan time.Time)
		release := progress.StartRelease(out, 3, 3*mib, progress.Options{Ticks: ticks, Now: clock.Now})
		a := progress.Start(nil, "a.tgz", progress.Options{Release: release})
		b := progress.Start(nil, "b.tgz", progress.Options{Release: release})
		a.Add(mib)
		b.Add(mib / 2)
		clock.Advance(time.Second)
		ticks <- clock.Now()
		Eventually(out).Should(gbytes.Say(`^0/3 files, 1.5 MiB / 3.0 MiB \(50%\), 1.5 MiB/s\n`))

		a.Done(nil)
		b.Restart() // another mirror starts b over: its bytes count once
		b.Add(mib / 4)
		clock.Advance(time.Second)
		ticks <- clock.Now()
		Eventually(out).Should(gbytes.Say(`^1/3 files, 1.2 MiB / 3.0 MiB \(41%\), 0 B/s\n`))
		release.Stop()
		release.Stop()
	})

	It("says no total when a file's size is unknown", func() {
		out := gbytes.NewBuffer()
		ticks := make(chan time.Time)
		release := progress.StartRelease(out, 2, -1, progress.Options{Ticks: ticks})
		progress.Start(nil, "a.tgz", progress.Options{Release: release}).Add(2048)
		ticks <- time.Now()
		Eventually(out).Should(gbytes.Say(`^0/2 files, 2.0 KiB, `))
		release.Stop()
	})
})
