using System.Globalization;
using System.Text;

namespace PriceFeed.App.Tests.Infra.Aws;

/// <summary>
/// Evaluates the Terraform expressions that npm @cdktf/hcl2json leaves as "${...}" strings, so the
/// IAM check and the alarm replay read infra/*.tf itself instead of a copy that could drift. Written
/// by hand because no library evaluates HCL offline (terraform console needs the AWS provider). It
/// knows the subset infra/ uses: string templates, references with attributes and indexes, list
/// literals, list `for` expressions, `concat`, `==`/`!=`, `&&`/`||` and the conditional; anything else
/// throws naming the expression, so a new construct in infra/ fails the tests loudly, not silently.
/// </summary>
internal sealed class HclExpression
{
    private readonly string text;
    private readonly Func<string[], object?> resolve;
    private readonly Dictionary<string, object?> loopScope;
    private int at;

    private HclExpression(string text, Func<string[], object?> resolve, Dictionary<string, object?> loopScope)
    {
        this.text = text;
        this.resolve = resolve;
        this.loopScope = loopScope;
    }

    /// <summary>A value as hcl2json gives it: a template string, or a whole "${expr}".</summary>
    public static object? EvaluateTemplate(string value, Func<string[], object?> resolve)
    {
        ArgumentNullException.ThrowIfNull(value);
        var parser = new HclExpression(value, resolve, []);
        return parser.Template(untilQuote: false);
    }

    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString(CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"a {value.GetType().Name} cannot be interpolated into a string"),
    };

    /// <summary>Literal text with ${...} parts; a template that is one interpolation keeps its value's type.</summary>
    private object? Template(bool untilQuote)
    {
        var parts = new List<object?>();
        var literal = new StringBuilder();
        while (at < text.Length)
        {
            var c = text[at];
            if (untilQuote && c == '"')
            {
                break;
            }

            if (c == '$' && at + 1 < text.Length && text[at + 1] == '{')
            {
                if (literal.Length > 0)
                {
                    parts.Add(literal.ToString());
                    literal.Clear();
                }

                at += 2;
                var value = Expression();
                Skip();
                Expect('}');
                parts.Add(new Interpolated(value));
                continue;
            }

            if (untilQuote && c == '\\' && at + 1 < text.Length)
            {
                literal.Append(text[at + 1] switch { 'n' => '\n', 't' => '\t', var other => other });
                at += 2;
                continue;
            }

            literal.Append(c);
            at++;
        }

        if (literal.Length > 0 || parts.Count == 0)
        {
            parts.Add(literal.ToString());
        }

        return parts is [Interpolated only] ? only.Value : string.Concat(parts.Select(p => p is Interpolated i ? Format(i.Value) : (string)p!));
    }

    private sealed record Interpolated(object? Value);

    private object? Expression()
    {
        var condition = Or();
        Skip();
        if (!Peek('?'))
        {
            return condition;
        }

        at++;
        var then = Expression();
        Skip();
        Expect(':');
        var otherwise = Expression();
        return condition is true ? then : otherwise;
    }

    private object? Or()
    {
        var left = And();
        while (TryKeyword("||"))
        {
            var right = And();
            left = left is true || right is true;
        }

        return left;
    }

    private object? And()
    {
        var left = Equality();
        while (TryKeyword("&&"))
        {
            var right = Equality();
            left = left is true && right is true;
        }

        return left;
    }

    private object? Equality()
    {
        var left = Postfix();
        if (TryKeyword("=="))
        {
            return Same(left, Postfix());
        }

        if (TryKeyword("!="))
        {
            return !Same(left, Postfix());
        }

        return left;
    }

    private static bool Same(object? a, object? b) => a is null ? b is null : a.Equals(b);

    private object? Postfix()
    {
        Skip();
        if (Peek('['))
        {
            return List();
        }

        if (Peek('"'))
        {
            at++;
            var value = Template(untilQuote: true);
            Expect('"');
            return value;
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

        var name = Identifier();
        switch (name)
        {
            case "null":
                return null;
            case "true":
                return true;
            case "false":
                return false;
        }

        Skip();
        if (Peek('('))
        {
            at++;
            var args = new List<object?>();
            Skip();
            while (!Peek(')'))
            {
                args.Add(Expression());
                Skip();
                if (Peek(','))
                {
                    at++;
                    Skip();
                }
            }

            at++;
            return Call(name, args);
        }

        var path = new List<string> { name };
        object? indexed = null;
        var hasIndex = false;
        while (at < text.Length)
        {
            if (Peek('.'))
            {
                at++;
                path.Add(Identifier());
            }
            else if (Peek('['))
            {
                at++;
                var key = Expression();
                Skip();
                Expect(']');
                var target = hasIndex ? indexed : Resolve([.. path]);
                indexed = target switch
                {
                    IReadOnlyDictionary<string, object?> map => map[Format(key)],
                    IReadOnlyList<object?> list => list[(int)(double)key!],
                    _ => throw Fail($"cannot index {Format(target)}"),
                };
                hasIndex = true;
            }
            else
            {
                break;
            }
        }

        return hasIndex ? indexed : Resolve([.. path]);
    }

    private object? Resolve(string[] path) =>
        loopScope.TryGetValue(path[0], out var bound) && path.Length == 1 ? bound : resolve(path);

    private object? List()
    {
        Expect('[');
        Skip();
        if (TryKeyword("for "))
        {
            var variable = Identifier();
            Skip();
            if (!TryKeyword("in "))
            {
                throw Fail("expected 'in'");
            }

            var source = Expression() as IReadOnlyList<object?> ?? throw Fail("a for expression needs a list");
            Skip();
            Expect(':');
            var bodyStart = at;
            var results = new List<object?>();
            var bodyEnd = bodyStart;
            foreach (var item in source)
            {
                var inner = new HclExpression(text, resolve, new Dictionary<string, object?>(loopScope) { [variable] = item }) { at = bodyStart };
                results.Add(inner.Expression());
                inner.Skip();
                bodyEnd = inner.at;
            }

            if (source.Count == 0)
            {
                throw Fail("a for expression over an empty list is not supported");
            }

            at = bodyEnd;
            Expect(']');
            return results;
        }

        var items = new List<object?>();
        while (!Peek(']'))
        {
            items.Add(Expression());
            Skip();
            if (Peek(','))
            {
                at++;
            }

            Skip();
        }

        at++;
        return items;
    }

    private object? Call(string name, List<object?> args) => name switch
    {
        "concat" => args.SelectMany(a => a as IReadOnlyList<object?> ?? throw Fail("concat takes lists")).ToList(),
        "tostring" => Format(args[0]),
        _ => throw Fail($"the function {name}() is not known to the test's evaluator"),
    };

    private string Identifier()
    {
        Skip();
        var start = at;
        while (at < text.Length && (char.IsLetterOrDigit(text[at]) || text[at] is '_' or '-'))
        {
            at++;
        }

        return at > start ? text[start..at] : throw Fail("expected a name");
    }

    private bool TryKeyword(string keyword)
    {
        Skip();
        if (string.CompareOrdinal(text, at, keyword, 0, keyword.Length) == 0)
        {
            at += keyword.Length;
            return true;
        }

        return false;
    }

    private void Skip()
    {
        while (at < text.Length && char.IsWhiteSpace(text[at]))
        {
            at++;
        }
    }

    private bool Peek(char c) => at < text.Length && text[at] == c;

    private void Expect(char c)
    {
        if (!Peek(c))
        {
            throw Fail($"expected '{c}'");
        }

        at++;
    }

    private InvalidOperationException Fail(string why) =>
        new($"HCL expression not understood by the test's evaluator ({why}) at {at} in: {text}");
}
