using PriceFeed.Fyers.Auth;

namespace PriceFeed.Fyers.Tests.Auth;

public sealed class AuthRedirectTests
{
    private const string Code = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhdXRoX2NvZGUifQ.c2lnbmF0dXJl";

    [Theory]
    [InlineData("https://example.com/callback?s=ok&code=200&auth_code=" + Code + "&state=abc")]
    [InlineData("?s=ok&code=200&auth_code=" + Code + "&state=abc")]
    [InlineData("s=ok&code=200&auth_code=" + Code + "&state=abc")]
    [InlineData("  \"https://example.com/callback?state=abc&auth_code=" + Code + "&code=200&s=ok\"\n")]
    [InlineData("\uFEFFhttps://example.com/callback?s=ok&code=200&auth_code=" + Code + "&state=abc\u200B")]
    [InlineData("'https://example.com/callback?s=ok&code=200&auth_code=" + Code + "&state=abc#fragment'")]
    public void TryParse_PastedForms_FindCodeAndState(string pasted)
    {
        Assert.True(AuthRedirect.TryParse(pasted, out var redirect, out var error), error);
        Assert.Equal(Code, redirect!.AuthCode);
        Assert.Equal("abc", redirect.State);
    }

    [Fact]
    public void TryParse_OlderShapeWithoutState_HasNullState()
    {
        Assert.True(AuthRedirect.TryParse("https://x.example/cb?auth_code=" + Code + "&user_id=XY123", out var redirect, out _));
        Assert.Null(redirect!.State);
    }

    [Theory]
    [InlineData("", "Paste the whole address")]
    [InlineData("https://example.com/callback?s=ok&code=200&state=abc", "has no auth_code")]
    [InlineData("https://example.com/callback?s=ok&auth_code=eyJhbGciOi&state=abc", "cut off or damaged")]
    [InlineData("https://example.com/callback?s=error&code=-352&message=Invalid%20app", "redirect URI")]
    public void TryParse_BadInput_ExplainsWhatToDo(string pasted, string expected)
    {
        Assert.False(AuthRedirect.TryParse(pasted, out var redirect, out var error));
        Assert.Null(redirect);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
