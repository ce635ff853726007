// The command-line conventions every executable follows (System.CommandLine underneath): --help and --version
// everywhere, unknown options and bad values are errors, and a usage error is one line on stderr naming the
// tool, with exit code 2. Failures of the work itself are the tool's own business (exit 1, one line).
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Exchange.Hosting;

public static class Cli
{
    /// <summary>Exit code of a command line that cannot be run as given.</summary>
    public const int UsageError = 2;

    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/> and runs the chosen action. A parse error
    /// prints "tool: message (try --help)" and returns <see cref="UsageError"/>; so does a <see cref="UsageException"/>
    /// thrown by the action (for checks the parser cannot make, such as "exactly one of --a or --b").</summary>
    public static int Run(RootCommand root, string[] args)
    {
        string tool = ToolName(root);
        var result = root.Parse(args);
        if (ErrorOf(result) is { } error)
        {
            Console.Error.WriteLine($"{tool}: {error} (try --help)");
            return UsageError;
        }
        try
        {
            return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{tool}: {e.Message}");
            return UsageError;
        }
    }

    /// <summary>What is wrong with a parsed command line, on one line, or null. Besides the parser's own errors: a word
    /// that looks like an option but is none of the command's ("--colour") is refused, where the parser would quietly
    /// take it as the value of a positional argument. After "--" every word is a value.</summary>
    public static string? ErrorOf(ParseResult result)
    {
        // Checked first: a word taken for a positional pushes the real one out, and the parser then names that instead.
        var positional = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        for (SymbolResult? r = result.CommandResult; r != null; r = r.Parent)
            if (r is CommandResult command)
                foreach (var child in command.Children)
                    if (child is ArgumentResult argument) positional.UnionWith(argument.Tokens);
        foreach (var token in result.Tokens)
        {
            if (token.Type == TokenType.DoubleDash) break;
            if (positional.Contains(token) && token.Value.Length > 1 && token.Value[0] == '-' && !char.IsAsciiDigit(token.Value[1]))
                return $"Unrecognized command or argument '{token.Value}'";
        }
        return result.Errors.Count > 0 ? OneLine(result.Errors[0].Message) : null;
    }

    /// <summary>A parser message on one line: "Must be one of:\n\t'a'\n\t'b'" becomes "must be one of: 'a', 'b'".</summary>
    public static string OneLine(string message)
    {
        var parts = message.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) return message;
        string head = parts[0].TrimEnd('.');
        return parts.Length == 1 ? head : $"{head} {string.Join(", ", parts[1..])}";
    }

    /// <summary>The executable's name, as the root command knows it (from the running process).</summary>
    public static string ToolName(RootCommand root) => string.IsNullOrEmpty(root.Name) ? "exchange" : root.Name;

    /// <summary>An option that must be given.</summary>
    public static Option<T> Required<T>(string name, string description) => new(name) { Description = description, Required = true };

    /// <summary>An option with a default shown in --help.</summary>
    public static Option<T> WithDefault<T>(string name, string description, T value) =>
        new(name) { Description = description, DefaultValueFactory = _ => value };

    /// <summary>An integer option that must lie within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> IntInRange(string name, string description, int value, int min, int max = int.MaxValue)
    {
        var option = WithDefault(name, description, value);
        option.HelpName = "N";
        option.Validators.Add(r =>
        {
            // A value that is not an integer already has its parse error; there is nothing to range-check.
            if (r.Tokens.Count > 0 && !int.TryParse(r.Tokens[^1].Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _)) return;
            int v = r.GetValueOrDefault<int>();
            if (v < min || v > max) r.AddError(max == int.MaxValue ? $"{name} must be at least {min}, not {v}" : $"{name} must be within {min}..{max}, not {v}");
        });
        return option;
    }

    /// <summary>An integer option within [<paramref name="min"/>, <paramref name="max"/>] that may be left out (null). Any
    /// other value is an error naming the option and what it takes: "--seconds must be an integer within 1..86400, not 'x'".</summary>
    public static Option<T?> Integer<T>(string name, string description, T min, T max) where T : struct, IBinaryInteger<T>, IMinMaxValue<T> =>
        new(name) { Description = description, HelpName = "N", CustomParser = r => ParseInteger(r, name, min, max) };

    /// <summary>An integer option within [<paramref name="min"/>, <paramref name="max"/>] with a default shown in --help.</summary>
    public static Option<T> Integer<T>(string name, string description, T value, T min, T max) where T : struct, IBinaryInteger<T>, IMinMaxValue<T> =>
        new(name)
        {
            Description = description, HelpName = "N", DefaultValueFactory = _ => value,
            CustomParser = r => ParseInteger(r, name, min, max) ?? value,
        };

    private static T? ParseInteger<T>(ArgumentResult r, string name, T min, T max) where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
    {
        string text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
        if (T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out T value) && value >= min && value <= max) return value;
        string what = (min == T.MinValue, max == T.MaxValue) switch
        {
            (true, true) => "an integer",
            (false, true) => $"an integer of at least {min}",
            (true, false) => $"an integer of at most {max}",
            _ => $"an integer within {min}..{max}",
        };
        r.AddError($"{name} must be {what}, not '{text}'");
        return null;
    }

    /// <summary>A string option whose value must be one of <paramref name="allowed"/> (listed in --help).</summary>
    public static Option<string> OneOf(string name, string description, string value, params string[] allowed)
    {
        var option = WithDefault(name, description, value);
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }
}

/// <summary>A command line the parser accepted but the tool cannot run; reported as one line, exit 2.</summary>
public sealed class UsageException(string message) : Exception(message);
