// Per-account order-entry rate limits, in sequencer time: each account may place or replace at most its rate's orders
// per second, with a burst; the input over the limit is rejected RateLimited and changes nothing else. A generic cell
// rate algorithm (one "due" time per account), in integer nanoseconds, so a replay and a standby reject exactly the
// same inputs. Cancels and mass cancels are never limited: an account over its limit can always leave the market.
using System.Runtime.CompilerServices;

namespace Exchange.Engine;

public sealed partial class MatchingEngine<TOutput>
{
    /// <summary>Sets an account's limit: <paramref name="ordersPerSecond"/> 0 takes the engine's default.</summary>
    private void SetRateLimit(int accountSlot, int ordersPerSecond, int burst)
    {
        if (ordersPerSecond <= 0) (ordersPerSecond, burst) = (_config.AccountOrdersPerSecond, _config.AccountOrderBurst);
        ref AccountState a = ref _accounts[accountSlot];
        if (ordersPerSecond <= 0) { a.RateInterval = a.RateTolerance = a.RateDue = 0; return; }
        a.RateInterval = Math.Max(1, 1_000_000_000L / ordersPerSecond);
        a.RateTolerance = (Math.Max(1, burst) - 1) * a.RateInterval;
        a.RateDue = 0;
    }

    /// <summary>Whether the account's order at <paramref name="now"/> is over its limit; if not, it is counted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool OverRateLimit(int accountSlot, long now)
    {
        ref AccountState a = ref _accounts[accountSlot];
        if (a.RateInterval == 0) return false;
        long due = Math.Max(a.RateDue, now);
        if (due - now > a.RateTolerance) return true;
        a.RateDue = due + a.RateInterval;
        return false;
    }

    /// <summary>An account's limit and where it stands (for tools and tests): orders per second (0: none), burst, and the
    /// sequencer time from which its next order conforms.</summary>
    public (long IntervalNanos, long ToleranceNanos, long Due) RateLimit(long account)
    {
        int slot = AccountSlot(account);
        if (slot == None) return default;
        ref AccountState a = ref _accounts[slot];
        return (a.RateInterval, a.RateTolerance, a.RateDue);
    }
}
