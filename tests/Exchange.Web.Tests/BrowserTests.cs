// The trading page in a real headless Chromium (Debian's, driven by Playwright with the system browser's executable):
// a web user logs in, watches the book fill from market makers, places an order from the page, sees it in the book and
// in open orders, and cancels it; on a desktop and on a phone-sized screen. Screenshots go to
// tests/Exchange.Web.Tests/TestResults/screenshots.
using Exchange.Testing;
using Microsoft.Playwright;

namespace Exchange.Web.Tests;

public sealed class BrowserTests
{
    public const string Chromium = "/usr/bin/chromium";

    private static string Screenshots
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Exchange.sln"))) dir = dir.Parent;
            string path = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "tests", "Exchange.Web.Tests", "TestResults", "screenshots");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    private static async Task<IBrowser> Launch(IPlaywright playwright)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: ./build.sh test installs Debian's chromium (apt-get install chromium)");
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            Timeout = (float)Timeouts.Process.TotalMilliseconds,
        });
    }

    /// <summary>Two market makers quoting around 60,000 on BTC-USD, one of them taking now and then, so trades print.</summary>
    private static void Quote(Trader maker, Trader taker)
    {
        for (int i = 0; i < 6; i++)
        {
            maker.Limit(Side.Buy, 59_990 - i, 1_000_000 * (i + 1));
            maker.Limit(Side.Sell, 60_010 + i, 1_000_000 * (i + 1));
        }
        maker.WaitAnswered(12);
        taker.Limit(Side.Buy, 60_010, 1_000_000, TimeInForce.ImmediateOrCancel);
        taker.Limit(Side.Sell, 59_990, 1_000_000, TimeInForce.ImmediateOrCancel);
        taker.WaitAnswered(2);
    }

    [Fact]
    public async Task A_web_user_logs_in_watches_the_book_places_an_order_and_cancels_it()
    {
        using var processes = new WebProcesses(devTokens: true);
        // The demo's market makers, as ./build.sh run --demo starts them: one quotes, the other quotes and takes.
        using var quoting = ChildProcess.StartDll("exchange-mm.dll",
            ["--engine", processes.EngineChannel, "--api-key", "mm-1001-key", "--symbol", "1", "--seconds", "600", "--take-every", "0"]);
        using var taking = ChildProcess.StartDll("exchange-mm.dll",
            ["--engine", processes.EngineChannel, "--api-key", "mm-1002-key", "--symbol", "1", "--seconds", "600", "--take-every", "3"]);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Launch(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        page.SetDefaultTimeout((float)Timeouts.Process.TotalMilliseconds);
        var problems = new List<string>();
        page.PageError += (_, error) => problems.Add(error);

        await page.GotoAsync($"http://127.0.0.1:{processes.Port}/");
        await page.Locator("#status[data-state=live]").WaitForAsync();

        // The book fills from the market makers' quotes, and their trades print on the tape and the ticker.
        await Assertions.Expect(page.Locator("#bids tr").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#asks tr").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#tape tr").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#ticker")).ToContainTextAsync("last 6");
        long bestBid = long.Parse((await page.Locator("#bids tr").First.GetAttributeAsync("data-price"))!, System.Globalization.CultureInfo.InvariantCulture);
        long bestAsk = long.Parse((await page.Locator("#asks tr").Last.GetAttributeAsync("data-price"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(bestBid < bestAsk, $"best bid {bestBid} below best ask {bestAsk}");
        Assert.InRange(bestBid, 59_000, 61_000);

        // Log in with a dev token for alice.
        await page.Locator("#subject").SelectOptionAsync("alice");
        await page.Locator("#login-button").ClickAsync();
        await Assertions.Expect(page.Locator("#whoami")).ToContainTextAsync("alice (account 3001)");

        // Place a bid from the page: it shows in the book and in open orders.
        await page.Locator("#price").FillAsync("59000");
        await page.Locator("#quantity").FillAsync("0.02");
        await page.Locator("#submit-order").ClickAsync();
        await Assertions.Expect(page.Locator("#order-result")).ToContainTextAsync("new done");
        var level = page.Locator("#bids tr[data-price='59000']");
        await Assertions.Expect(level).ToHaveCountAsync(1);
        await Assertions.Expect(level).ToContainTextAsync("0.02");
        var order = page.Locator("#open-orders tr", new PageLocatorOptions { HasText = "59000" });
        await Assertions.Expect(order).ToHaveCountAsync(1);
        await Assertions.Expect(order).ToContainTextAsync("0.02");
        await Assertions.Expect(page.Locator("#balances tr[data-asset=USD]")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "desktop-order-placed.png"), FullPage = true });

        // Cancel it from its row: it leaves open orders and the book.
        await order.Locator("button.cancel").ClickAsync();
        await Assertions.Expect(order).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#bids tr[data-price='59000']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#order-result")).ToContainTextAsync("cancel done");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "desktop.png"), FullPage = true });
        Assert.Empty(problems);
        // The book exchange-web kept agreed with every best bid/offer the engine sent: no update was lost.
        Assert.DoesNotContain("disagreed", processes.Web.Stderr);
    }

    [Fact]
    public async Task The_page_fits_a_phone_sized_screen()
    {
        using var processes = new WebProcesses(devTokens: true);
        using var maker = new Trader(processes.EngineChannel, "mm-1001-key");
        using var taker = new Trader(processes.EngineChannel, "mm-1002-key");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Launch(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, DeviceScaleFactor = 2,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Timeouts.Prompt.TotalMilliseconds);
        await page.GotoAsync($"http://127.0.0.1:{processes.Port}/");
        await page.Locator("#status[data-state=live]").WaitForAsync();
        Quote(maker, taker);
        await Assertions.Expect(page.Locator("#bids tr")).ToHaveCountAsync(5);
        await page.Locator("#subject").SelectOptionAsync("alice");
        await page.Locator("#login-button").ClickAsync();
        await Assertions.Expect(page.Locator("#whoami")).ToContainTextAsync("alice");

        // Nothing wider than the screen, and the panels stacked in one column.
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways on a phone");
        var book = await page.Locator("section.book").BoundingBoxAsync();
        var entry = await page.Locator("section.entry").BoundingBoxAsync();
        Assert.True(book!.Width > 300 && entry!.Y > book.Y, $"book {book.Width}x{book.Height} at {book.Y}, order entry at {entry!.Y}");
        await page.Locator("#price").TapAsync();
        await page.Locator("#price").FillAsync("59500");
        await page.Locator("#submit-order").TapAsync();
        await Assertions.Expect(page.Locator("#open-orders tr", new PageLocatorOptions { HasText = "59500" })).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "phone.png"), FullPage = true });
    }
}
