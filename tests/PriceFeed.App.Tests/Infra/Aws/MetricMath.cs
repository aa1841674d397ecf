using System.Globalization;

namespace PriceFeed.App.Tests.Infra.Aws;

/// <summary>A time series of one value per period start (UTC), as metric math sees it.</summary>
internal sealed class Series : SortedDictionary<DateTimeOffset, double>;

/// <summary>
/// CloudWatch metric math for the functions infra/alarms.tf uses, over one evaluation window: MIN and
/// MAX of an array of series (per timestamp, over the timestamps any of them has), TIME_SERIES,
/// FILL, IF, DAY (1 = Monday), HOUR and MINUTE (UTC), arithmetic, comparisons, AND and OR, as AWS's
/// "Using metric math" reference documents them. Written by hand: nothing evaluates metric math
/// offline. An unknown function throws naming it, so a new expression in alarms.tf cannot pass unjudged.
/// </summary>
internal sealed class MetricMath
{
    private readonly string text;
    private readonly IReadOnlyList<DateTimeOffset> window;
    private readonly Func<string, object> lookup;
    private int at;

    private MetricMath(string text, IReadOnlyList<DateTimeOffset> window, Func<string, object> lookup)
    {
        this.text = text;
        this.window = window;
        this.lookup = lookup;
    }

    /// <summary>Evaluates an expression; ids resolve through <paramref name="lookup"/> to a Series or another expression's value.</summary>
    public static object Evaluate(string expression, IReadOnlyList<DateTimeOffset> window, Func<string, object> lookup)
    {
        var math = new MetricMath(expression, window, lookup);
        var value = math.Or();
        math.Skip();
        return math.at == expression.Length ? value : throw math.Fail("unexpected text");
    }

    private object Or()
    {
        var left = And();
        while (Keyword("OR"))
        {
            left = Binary(left, And(), (a, b) => a != 0 || b != 0 ? 1 : 0);
        }

        return left;
    }

    private object And()
    {
        var left = Comparison();
        while (Keyword("AND"))
        {
            left = Binary(left, Comparison(), (a, b) => a != 0 && b != 0 ? 1 : 0);
        }

        return left;
    }

    private object Comparison()
    {
        var left = Additive();
        foreach (var (op, f) in new (string, Func<double, double, double>)[]
        {
            ("<=", (a, b) => a <= b ? 1 : 0), (">=", (a, b) => a >= b ? 1 : 0), ("==", (a, b) => a == b ? 1 : 0),
            ("!=", (a, b) => a != b ? 1 : 0), ("<", (a, b) => a < b ? 1 : 0), (">", (a, b) => a > b ? 1 : 0),
        })
        {
            if (Symbol(op))
            {
                return Binary(left, Additive(), f);
            }
        }

        return left;
    }

    private object Additive()
    {
        var left = Multiplicative();
        while (true)
        {
            if (Symbol("+"))
            {
                left = Binary(left, Multiplicative(), (a, b) => a + b);
            }
            else if (Symbol("-"))
            {
                left = Binary(left, Multiplicative(), (a, b) => a - b);
            }
            else
            {
                return left;
            }
        }
    }

    private object Multiplicative()
    {
        var left = Primary();
        while (true)
        {
            if (Symbol("*"))
            {
                left = Binary(left, Primary(), (a, b) => a * b);
            }
            else if (Symbol("/"))
            {
                left = Binary(left, Primary(), (a, b) => a / b);
            }
            else
            {
                return left;
            }
        }
    }

    private object Primary()
    {
        Skip();
        if (Symbol("("))
        {
            var inner = Or();
            Expect(")");
            return inner;
        }

        if (Symbol("["))
        {
            var items = new List<object>();
            do
            {
                items.Add(Or());
            }
            while (Symbol(","));
            Expect("]");
            return items;
        }

        if (char.IsDigit(text[at]))
        {
            var start = at;
            while (at < text.Length && (char.IsDigit(text[at]) || text[at] == '.'))
            {
                at++;
            }

            return double.Parse(text[start..at], CultureInfo.InvariantCulture);
        }

        var name = Name();
        if (!Symbol("("))
        {
            return lookup(name);
        }

        var args = new List<object>();
        if (!Symbol(")"))
        {
            do
            {
                args.Add(Or());
            }
            while (Symbol(","));
            Expect(")");
        }

        return Call(name, args);
    }

    private object Call(string name, List<object> args)
    {
        switch (name)
        {
            case "MIN" or "MAX" when args is [List<object> array]:
                var all = array.Select(a => a as Series ?? throw Fail($"{name} of a non-series")).ToList();
                var combined = new Series();
                foreach (var t in all.SelectMany(s => s.Keys).Distinct())
                {
                    var values = all.Where(s => s.ContainsKey(t)).Select(s => s[t]).ToList();
                    combined[t] = name == "MIN" ? values.Min() : values.Max();
                }

                return combined;
            case "TIME_SERIES" when args is [double constant]:
                var filled = new Series();
                foreach (var t in window)
                {
                    filled[t] = constant;
                }

                return filled;
            case "FILL" when args is [Series series, double value]:
                var result = new Series();
                foreach (var t in window)
                {
                    result[t] = series.TryGetValue(t, out var v) ? v : value;
                }

                return result;
            case "IF" when args is [Series condition, var then, var otherwise]:
                var chosen = new Series();
                foreach (var (t, c) in condition)
                {
                    var pick = c != 0 ? then : otherwise;
                    if (pick is double d)
                    {
                        chosen[t] = d;
                    }
                    else if (pick is Series s && s.TryGetValue(t, out var sv))
                    {
                        chosen[t] = sv;
                    }
                }

                return chosen;
            case "DAY" or "HOUR" or "MINUTE" when args is [Series series]:
                var parts = new Series();
                foreach (var t in series.Keys)
                {
                    var utc = t.UtcDateTime;
                    parts[t] = name switch { "DAY" => utc.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)utc.DayOfWeek, "HOUR" => utc.Hour, _ => utc.Minute };
                }

                return parts;
            default:
                throw Fail($"the metric math function {name}({args.Count} arguments) is not known to the test's evaluator");
        }
    }

    private static object Binary(object left, object right, Func<double, double, double> f) => (left, right) switch
    {
        (double a, double b) => f(a, b),
        (Series a, double b) => Map(a, v => f(v, b)),
        (double a, Series b) => Map(b, v => f(a, v)),
        (Series a, Series b) => Zip(a, b, f),
        _ => throw new InvalidOperationException("metric math on arrays needs a function"),
    };

    private static Series Map(Series s, Func<double, double> f)
    {
        var result = new Series();
        foreach (var (t, v) in s)
        {
            result[t] = f(v);
        }

        return result;
    }

    private static Series Zip(Series a, Series b, Func<double, double, double> f)
    {
        var result = new Series();
        foreach (var (t, v) in a)
        {
            if (b.TryGetValue(t, out var w))
            {
                result[t] = f(v, w);
            }
        }

        return result;
    }

    private string Name()
    {
        Skip();
        var start = at;
        while (at < text.Length && (char.IsLetterOrDigit(text[at]) || text[at] == '_'))
        {
            at++;
        }

        return at > start ? text[start..at] : throw Fail("expected a name");
    }

    private bool Keyword(string word)
    {
        Skip();
        if (string.CompareOrdinal(text, at, word, 0, word.Length) == 0 && (at + word.Length == text.Length || !char.IsLetterOrDigit(text[at + word.Length])))
        {
            at += word.Length;
            return true;
        }

        return false;
    }

    private bool Symbol(string symbol)
    {
        Skip();
        if (string.CompareOrdinal(text, at, symbol, 0, symbol.Length) == 0)
        {
            at += symbol.Length;
            return true;
        }

        return false;
    }

    private void Expect(string symbol)
    {
        if (!Symbol(symbol))
        {
            throw Fail($"expected '{symbol}'");
        }
    }

    private void Skip()
    {
        while (at < text.Length && char.IsWhiteSpace(text[at]))
        {
            at++;
        }
    }

    private InvalidOperationException Fail(string why) => new($"metric math not understood ({why}) at {at} in: {text}");
}
