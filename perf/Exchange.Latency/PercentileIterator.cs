// Walks a histogram by percentile level the way HdrHistogram's PercentileIterator does: fixed ticks within each
// half of the remaining distance to 100%, so the report and the chart reach the tail in readable steps.
namespace Exchange.Latency;

/// <summary>One reporting step: the slot's highest equivalent value, the level reached, and the running count.</summary>
internal readonly record struct PercentileStep(long Value, double PercentileLevel, long TotalCountToValue);

internal struct PercentileIterator
{
    private readonly long[] _counts;
    private readonly BucketLayout _layout;
    private readonly long _totalCount;
    private readonly int _ticksPerHalfDistance;
    private int _index;
    private long _countAtIndex;
    private long _totalCountToIndex;
    private bool _freshIndex;
    private double _levelToIterateTo;
    private bool _reachedLastRecordedValue;

    public PercentileIterator(long[] counts, BucketLayout layout, long totalCount, int ticksPerHalfDistance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ticksPerHalfDistance, 1);
        _counts = counts;
        _layout = layout;
        _totalCount = totalCount;
        _ticksPerHalfDistance = ticksPerHalfDistance;
        _freshIndex = true;
    }

    public PercentileStep Current { get; private set; }

    public bool MoveNext()
    {
        if (_totalCountToIndex >= _totalCount)
        {
            // Every value has been passed: one last step, at exactly 100%, reports the max's slot.
            if (_reachedLastRecordedValue || _totalCount == 0) return false;
            _levelToIterateTo = 100.0;
            _reachedLastRecordedValue = true;
        }

        // Several levels can be reached within one slot: the slot is then reported once per level.
        while (_index < _counts.Length)
        {
            if (_freshIndex)
            {
                _countAtIndex = _counts[_index];
                _totalCountToIndex += _countAtIndex;
                _freshIndex = false;
            }
            if (_countAtIndex != 0 && 100.0 * _totalCountToIndex / _totalCount >= _levelToIterateTo)
            {
                Current = new PercentileStep(
                    _layout.HighestEquivalentValue(_layout.ValueFromIndex(_index)), _levelToIterateTo, _totalCountToIndex);
                IncrementLevel();
                return true;
            }
            _index++;
            _freshIndex = true;
        }
        return false;
    }

    private void IncrementLevel()
    {
        // The tick count doubles each time the remaining distance to 100% halves, so each half gets the same
        // number of steps. The expression is HdrHistogram's, floating point and all, to reproduce its levels.
        long reportingTicks = _ticksPerHalfDistance *
            (long)Math.Pow(2, (long)(Math.Log(100.0 / (100.0 - _levelToIterateTo)) / Math.Log(2)) + 1);
        _levelToIterateTo += 100.0 / reportingTicks;
    }
}
