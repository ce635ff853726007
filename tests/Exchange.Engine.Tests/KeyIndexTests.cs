// The open-addressing index the engine finds accounts and open orders by: against a Dictionary, through long random
// runs of adds, finds and removes, with keys shaped as the engine's are (several accounts numbering their orders
// upwards, so their ids fall into shared runs of entries; random ids; ids near the ends of the long range), in a table
// filled to its capacity, where probe runs are long and wrap past the end, and backward-shift deletion must keep every
// remaining key reachable.
namespace Exchange.Engine.Tests;

public class KeyIndexTests
{
    [Theory]
    [InlineData(64, 1)]
    [InlineData(64, 2)]
    [InlineData(1_000, 3)]
    [InlineData(20_000, 4)]
    public void Finds_what_a_dictionary_finds_through_adds_and_removes_at_full_load(int maxEntries, int seed)
    {
        var random = new Random(seed);
        var index = new KeyIndex(maxEntries);
        var expected = new Dictionary<(int, long), int>();
        var keys = new List<(int A, long B)>();
        long[] nextId = [1, 1_000_000, long.MaxValue - 5_000, 7];
        for (int step = 0; step < 40 * maxEntries; step++)
        {
            int op = random.Next(10);
            if (op < 5 && expected.Count < maxEntries)
            {
                (int a, long b) = NewKey(random, nextId);
                if (expected.ContainsKey((a, b))) continue;
                Assert.Equal(-1, index.Find(a, b));
                int value = random.Next(0, int.MaxValue);
                index.Add(a, b, value);
                expected[(a, b)] = value;
                keys.Add((a, b));
            }
            else if (op < 8 && keys.Count > 0)
            {
                int at = random.Next(keys.Count);
                var key = keys[at];
                keys[at] = keys[^1];
                keys.RemoveAt(keys.Count - 1);
                Assert.True(index.Remove(key.A, key.B));
                expected.Remove(key);
                Assert.Equal(-1, index.Find(key.A, key.B));
                Assert.False(index.Remove(key.A, key.B));
            }
            else if (keys.Count > 0)
            {
                var key = keys[random.Next(keys.Count)];
                Assert.Equal(expected[key], index.Find(key.A, key.B));
            }
            if (step % (4 * maxEntries) == 0)
                foreach (var (key, value) in expected) Assert.Equal(value, index.Find(key.Item1, key.Item2));
        }
        foreach (var (key, value) in expected) Assert.Equal(value, index.Find(key.Item1, key.Item2));
        // Emptied in turn, every key still found until its own removal.
        foreach (var key in keys)
        {
            Assert.Equal(expected[key], index.Find(key.A, key.B));
            Assert.True(index.Remove(key.A, key.B));
        }
        foreach (var key in keys) Assert.Equal(-1, index.Find(key.A, key.B));
    }

    [Fact]
    public void A_prefetch_of_any_key_changes_nothing()
    {
        var index = new KeyIndex(100);
        for (int i = 0; i < 100; i++) index.Add(i % 3, i, i * 10);
        foreach (long b in new[] { 0L, 5, 99, 100, long.MinValue, long.MaxValue, -1 })
            for (int a = -1; a < 4; a++) index.Prefetch(a, b);
        for (int i = 0; i < 100; i++) Assert.Equal(i * 10, index.Find(i % 3, i));
        Assert.Equal(-1, index.Find(0, 1));
    }

    /// <summary>Mostly the next id of one of four accounts (two of them near the top of the long range, where adding
    /// wraps), sometimes a random id of a random account.</summary>
    private static (int A, long B) NewKey(Random random, long[] nextId)
    {
        if (random.Next(4) == 0) return (random.Next(-2, 6), random.NextInt64(long.MinValue, long.MaxValue));
        int account = random.Next(nextId.Length);
        long id = nextId[account];
        nextId[account] = unchecked(id + 1 + (random.Next(8) == 0 ? random.Next(1, 40) : 0));
        return (account, id);
    }
}
