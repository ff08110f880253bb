package catalog_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/catalog"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/gitrepo"
	"github.com/metalink-resources/metalink-resources/shared/repository/repotest"
	"github.com/metalink-resources/metalink-resources/shared/serve"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
)

// defaultAxe is where ci/lib/setup.sh installs axe-core; AXE_CORE_JS
// overrides it.
const defaultAxe = "/usr/local/lib/metalink-resources/axe-core/node_modules/axe-core/axe.min.js"

// chromiumPath is Debian's chromium, or "" when it is not installed.
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	return ""
}

// axeSource is axe-core's script: a missing one fails, since ci/test
// installs it beside chromium.
func axeSource() string {
	GinkgoHelper()
	path := os.Getenv("AXE_CORE_JS")
	if path == "" {
		path = defaultAxe
	}
	data, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred(), "axe-core is needed beside chromium: install it as ci/lib/setup.sh does (npm install axe-core) or set AXE_CORE_JS")
	return string(data)
}

var _ = Describe("the catalog in headless Chromium", Ordered, func() {
	var (
		browserCtx context.Context
		static     string // file:// URL of the written site's index.html
		served     string // the URL of meta4-repo serve's catalog
		hashPrefix string
		axe        string
	)

	BeforeAll(func() {
		path := chromiumPath()
		if path == "" {
			Skip("chromium is not installed: the headless-browser specs of the catalog need it (ci/test installs Debian's chromium)")
		}
		axe = axeSource()

		root := GinkgoT().TempDir()
		repo := gitserver.NewRepo(GinkgoT(), root, "acme/metalinks.git")
		repo.WriteFiles(GinkgoT(), "tool 1.0", map[string]string{"tool/v1.meta4": recordedDoc("1")})
		repo.WriteFiles(GinkgoT(), "tool 2.0\n\nMirrored-by: https://ci.example.com/teams/main/pipelines/mirror/jobs/tool/builds/42",
			map[string]string{"tool/v2.meta4": recordedDoc("2")})
		srv := gitserver.StartHTTP(GinkgoT(), root, "ci", "git-pass-1234")
		uri := "git+" + srv.RepoURL(repo)
		opener, err := gitrepo.Configure(uri, gitrepo.Options{Username: "ci", Password: "git-pass-1234"}, repotest.Names)
		Expect(err).NotTo(HaveOccurred())
		open := func(ctx context.Context) (repository.Repository, error) {
			return opener(ctx, repository.Env{TempDir: GinkgoT().TempDir()})
		}
		hashPrefix = strings.Repeat("0", 60)

		opened, err := open(context.Background())
		Expect(err).NotTo(HaveOccurred())
		site := written(catalog.Repository{Name: uri, Entries: list(opened), Repo: opened})
		static = (&url.URL{Scheme: "file", Path: filepath.Join(site, "index.html")}).String()

		server, err := serve.New(serve.Options{Sources: []serve.Source{{Name: uri, Open: open}}, CacheDir: GinkgoT().TempDir()})
		Expect(err).NotTo(HaveOccurred())
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- server.Serve(ctx, ln) }()
		DeferCleanup(func() {
			stop()
			Eventually(done).Should(Receive(BeNil()))
		})
		served = "http://" + ln.Addr().String() + "/"

		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.UserDataDir(GinkgoT().TempDir()), chromedp.WindowSize(1000, 800))...)
		var cancelBrowser context.CancelFunc
		browserCtx, cancelBrowser = chromedp.NewContext(allocCtx)
		DeferCleanup(func() {
			cancelBrowser() // closes the browser and waits for it
			cancelAlloc()
		})
		Expect(chromedp.Do(browserCtx)).To(Succeed()) // starts the browser

	})

	// tab is a new tab of the browser, closed when the spec ends.
	tab := func() context.Context {
		ctx, cancel := chromedp.NewContext(browserCtx)
		ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
		DeferCleanup(func() {
			cancelTimeout()
			cancel()
		})
		return ctx
	}

	// searchAndOpen searches the hash prefix on the page at start and
	// follows the first result: the version page.
	searchAndOpen := func(ctx context.Context, start string) string {
		GinkgoHelper()
		Expect(chromedp.Do(ctx,
			chromedp.Navigate(start),
			chromedp.WaitVisible(chromedp.ID("search")),
			chromedp.SendKeys(chromedp.ID("search"), hashPrefix),
			chromedp.WaitVisible(chromedp.CSS("#search-results li a")),
		)).To(Succeed())
		result, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#search-results li a")))
		Expect(err).NotTo(HaveOccurred())
		Expect(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#search-results li a")), chromedp.WaitVisible(chromedp.CSS("h1")))).To(Succeed())
		heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
		Expect(err).NotTo(HaveOccurred())
		Expect(result).To(HavePrefix("tool-"))
		return heading
	}

	// links are the resolved hrefs of the page in ctx that stay on the site.
	links := func(ctx context.Context, site string) []string {
		GinkgoHelper()
		hrefs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.links).map(a => a.href)`))
		Expect(err).NotTo(HaveOccurred())
		var own []string
		for _, href := range hrefs {
			if strings.HasPrefix(href, site) {
				own = append(own, strings.SplitN(href, "#", 2)[0])
			}
		}
		return own
	}

	// axeFindings are the serious and critical axe-core violations of the
	// page in ctx.
	axeFindings := func(ctx context.Context) []string {
		GinkgoHelper()
		Expect(chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axe))).To(Succeed())
		findings, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
				.filter(v => v.impact === "serious" || v.impact === "critical")
				.map(v => v.impact + " " + v.id + ": " + v.help + " at " + v.nodes.map(n => n.target.join(" ")).join(", ")))`,
			chromedp.EvalAwaitPromise))
		Expect(err).NotTo(HaveOccurred())
		return findings
	}

	It("finds a file by hash prefix in the static site, from file://, and every link there resolves", func() {
		ctx := tab()
		Expect(searchAndOpen(ctx, static)).To(Equal("2.0"))

		site := strings.TrimSuffix(static, "index.html")
		for _, start := range []string{static, site + "-/r0/index.html"} {
			Expect(chromedp.Do(ctx, chromedp.Navigate(start))).To(Succeed())
			pageLinks := append(links(ctx, site), start)
			Expect(len(pageLinks)).To(BeNumerically(">", 1))
			for _, link := range pageLinks {
				u, err := url.Parse(link)
				Expect(err).NotTo(HaveOccurred())
				Expect(u.Path).To(BeARegularFile(), "a link of %s", start)
			}
		}
	})

	It("finds a file by hash prefix in the served catalog, and every link there resolves", func() {
		ctx := tab()
		Expect(searchAndOpen(ctx, served)).To(Equal("2.0"))

		for _, link := range links(ctx, served) {
			resp, err := http.Get(link)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.StatusCode).To(Equal(http.StatusOK), link)
			Expect(resp.Body.Close()).To(Succeed())
		}
		history, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#history + div tbody")))
		Expect(err).NotTo(HaveOccurred())
		Expect(history).To(ContainSubstring("tool 2.0"))
	})

	It("is usable by keyboard: the skip link first, then a copy button copies its hash", func() {
		ctx := tab()
		origin := strings.TrimSuffix(served, "/")
		for _, name := range []string{"clipboard-read", "clipboard-write"} {
			_, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
				Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSettingGranted, Origin: origin})
			Expect(err).NotTo(HaveOccurred())
		}
		searchAndOpen(ctx, served)

		focused := func() string {
			GinkgoHelper()
			Expect(chromedp.Do(ctx, chromedp.KeyEvent("\t"))).To(Succeed())
			class, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.className`))
			Expect(err).NotTo(HaveOccurred())
			return class
		}
		Expect(focused()).To(Equal("skip"))
		class := ""
		for range 40 {
			if class = focused(); class == "copy" {
				break
			}
		}
		Expect(class).To(Equal("copy"), "Tab reaches a copy button")
		want, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.dataset.copy`))
		Expect(err).NotTo(HaveOccurred())
		Expect(chromedp.Do(ctx, chromedp.KeyEvent("\r"), chromedp.Poll[chromedp.Void](`document.activeElement.textContent === "Copied"`))).To(Succeed())
		copied, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
		Expect(err).NotTo(HaveOccurred())
		Expect(want).To(HavePrefix(hashPrefix))
		Expect(copied).To(Equal(want))
	})

	It("passes axe-core with no serious or critical finding, on every kind of page", func() {
		ctx := tab()
		site := strings.TrimSuffix(static, "index.html")
		Expect(chromedp.Do(ctx, chromedp.Navigate(site+"-/r0/index.html"))).To(Succeed())
		version, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("tbody a").getAttribute("href")`))
		Expect(err).NotTo(HaveOccurred())
		for _, page := range []string{static, site + "-/r0/index.html", site + "-/r0/" + version} {
			Expect(chromedp.Do(ctx, chromedp.Navigate(page))).To(Succeed())
			Expect(axeFindings(ctx)).To(BeEmpty(), page)
		}
	})

	It("fits a phone's width, and a version page makes a screenshot", func() {
		ctx := tab()
		Expect(chromedp.Do(ctx, chromedp.EmulateViewport(375, 740))).To(Succeed())
		Expect(searchAndOpen(ctx, served)).To(Equal("2.0"))
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		Expect(err).NotTo(HaveOccurred())
		wide, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).concat([document.documentElement.scrollWidth + " " + window.innerWidth + " " + document.documentElement.clientWidth])`))
		Expect(overflow).To(BeFalse(), "the version page scrolls sideways on a phone: %v", wide)

		Expect(chromedp.Do(ctx, chromedp.EmulateViewport(1000, 800))).To(Succeed())
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		Expect(err).NotTo(HaveOccurred())
		Expect(png).To(HavePrefix("\x89PNG"))
		// The README's picture: CATALOG_SCREENSHOT=images/catalog-version.png writes it.
		if out := os.Getenv("CATALOG_SCREENSHOT"); out != "" {
			Expect(os.WriteFile(out, png, 0o644)).To(Succeed())
		}
	})
})
