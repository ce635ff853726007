// How long tests wait. Generous on purpose: the suite must pass on a loaded 2-core machine, so a wait bounds a
// failure, it never measures speed. EXCHANGE_TEST_TIMEOUT_SCALE stretches every one of them.
namespace Exchange.Testing;

public static class Timeouts
{
    private static readonly double Scale =
        double.TryParse(Environment.GetEnvironmentVariable("EXCHANGE_TEST_TIMEOUT_SCALE"), System.Globalization.CultureInfo.InvariantCulture, out double s) && s > 0 ? s : 1;

    /// <summary>A child process starting, answering or ending.</summary>
    public static TimeSpan Process => TimeSpan.FromSeconds(60 * Scale);
    /// <summary>Something that happens promptly on an idle machine (a message across loopback).</summary>
    public static TimeSpan Prompt => TimeSpan.FromSeconds(20 * Scale);
}
