// Option builders for exchange-perf's modes. Numbers are parsed here, so a bad value is a one-line usage error
// naming the option and what it accepts (exit 2), never an exception from deep inside a benchmark.
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Exchange.Perf.CommandLine;

internal static class Flags
{
    public static Option<int> Int(string name, string description, int value, int min = 0, int? max = null) =>
        Number(name, description, value, min, max, NumberStyles.Integer, "an integer");

    public static Option<long> Long(string name, string description, long value, long min = 0, long? max = null) =>
        Number(name, description, value, min, max, NumberStyles.Integer, "an integer");

    /// <summary>A number of seconds, at least <paramref name="min"/> (and above it when <paramref name="exclusive"/>).</summary>
    public static Option<double> Seconds(string name, string description, double value, double min = 0, bool exclusive = false)
    {
        var option = Number<double>(name, description, value, min, null, NumberStyles.Float, "a number of seconds");
        if (exclusive)
            option.Validators.Add(r =>
            {
                if (r.Tokens.Count > 0 && r.GetValueOrDefault<double>() <= min) r.AddError($"{name} must be above {min}");
            });
        return option;
    }

    /// <summary>A probability: a number from 0 to 1.</summary>
    public static Option<double> Fraction(string name, string description, double value) =>
        Number(name, description, value, 0.0, 1.0, NumberStyles.Float, "a fraction from 0 to 1");

    /// <summary>An integer with no default: null when not given.</summary>
    public static Option<int?> OptionalInt(string name, string description, int min = 0) => new(name)
    {
        Description = description,
        CustomParser = r => Parse<int>(r, name, min, null, NumberStyles.Integer, "an integer"),
    };

    public static Option<string?> Text(string name, string description, string? helpName = null) =>
        new(name) { Description = description, HelpName = helpName };

    public static Option<string> TextWithDefault(string name, string description, string value, string? helpName = null) =>
        new(name) { Description = description, DefaultValueFactory = _ => value, HelpName = helpName };

    public static Option<string?> ExistingFile(string name, string description)
    {
        var option = Text(name, description, "FILE");
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !File.Exists(r.Tokens[^1].Value)) r.AddError($"{name}: no file '{r.Tokens[^1].Value}'");
        });
        return option;
    }

    public static Option<string?> ExistingDirectory(string name, string description)
    {
        var option = Text(name, description, "DIR");
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !Directory.Exists(r.Tokens[^1].Value)) r.AddError($"{name}: no directory '{r.Tokens[^1].Value}'");
        });
        return option;
    }

    /// <summary>A choice among <paramref name="allowed"/>; checked here rather than with AcceptOnlyFromAmong, whose
    /// message lists the choices on several lines.</summary>
    public static Option<string> OneOf(string name, string description, string value, params string[] allowed)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            DefaultValueFactory = _ => value,
            HelpName = string.Join('|', allowed),
        };
        option.Validators.Add(r =>
        {
            string given = r.Tokens.Count > 0 ? r.Tokens[^1].Value : value;
            if (!allowed.Contains(given)) r.AddError($"{name} must be one of {string.Join(", ", allowed)}, not '{given}'");
        });
        return option;
    }

    /// <summary>A choice among <paramref name="allowed"/> with no default: null when not given.</summary>
    public static Option<string?> OptionalOneOf(string name, string description, params string[] allowed)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = string.Join('|', allowed) };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !allowed.Contains(r.Tokens[^1].Value))
                r.AddError($"{name} must be one of {string.Join(", ", allowed)}, not '{r.Tokens[^1].Value}'");
        });
        return option;
    }

    public static Option<bool> Switch(string name, string description) => new(name) { Description = description };

    public static Option<bool> Json() => Switch("--json", "print one JSON object instead of text");

    private static Option<T> Number<T>(string name, string description, T value, T min, T? max, NumberStyles style, string what)
        where T : struct, INumber<T> => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => value,
        CustomParser = r => Parse(r, name, min, max, style, what) ?? default,
    };

    private static T? Parse<T>(ArgumentResult r, string name, T min, T? max, NumberStyles style, string what) where T : struct, INumber<T>
    {
        string text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
        if (!T.TryParse(text, style, CultureInfo.InvariantCulture, out T v))
        {
            r.AddError($"{name} must be {what}, not '{text}'");
            return null;
        }
        if (v < min || (max is { } top && v > top))
        {
            r.AddError(max is null ? $"{name} must be at least {min}, not {v}" : $"{name} must be within {min}..{max}, not {v}");
            return null;
        }
        return v;
    }
}
