using System.Buffers.Text;
using System.Text;
using PriceFeed.Fyers.Auth;

namespace PriceFeed.Fyers.Tests.Auth;

public sealed class TokenTests
{
    private static string Jwt(string payloadJson) =>
        $"eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payloadJson))}.sig";

    [Fact]
    public void AccessTokenInfo_FyersClaims_AreRead()
    {
        var token = Jwt("""{"iss":"api.fyers.in","iat":1764215400,"exp":1764275400,"nbf":1764215400,"sub":"access_token","display_name":"A TRADER","fy_id":"XA12345","hsm_key":"0123456789abcdef0123456789abcdef0123456789abcdef01234567","appType":100}""");

        var info = AccessTokenInfo.TryDecode(token)!;

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764215400), info.IssuedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764275400), info.ExpiresAt);
        Assert.Equal("XA12345", info.FyId);
        Assert.Equal("A TRADER", info.DisplayName);
        Assert.True(info.HasHsmKey);
        Assert.Equal("access_token", info.Subject);
    }

    [Fact]
    public void AccessTokenInfo_NullHsmKey_IsReported()
    {
        var info = AccessTokenInfo.TryDecode(Jwt("""{"iat":1,"exp":2,"hsm_key":null}"""))!;
        Assert.False(info.HasHsmKey);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.sig")]
    public void AccessTokenInfo_NotAJwt_IsNull(string token) => Assert.Null(AccessTokenInfo.TryDecode(token));

    [Fact]
    public void AccessTokenInfo_IsExpiredAt_ComparesWithExp()
    {
        var info = AccessTokenInfo.TryDecode(Jwt("""{"iat":100,"exp":200}"""))!;
        Assert.False(info.IsExpiredAt(DateTimeOffset.FromUnixTimeSeconds(199)));
        Assert.True(info.IsExpiredAt(DateTimeOffset.FromUnixTimeSeconds(200)));
    }

    [Fact]
    public void AppIdHash_IsLowercaseHexSha256OfClientIdColonSecret()
    {
        // sha256("ABCD1234-100:secret") computed independently with coreutils sha256sum.
        Assert.Equal(ExpectedHash, AppIdHash.Compute("ABCD1234-100", "secret"));
    }

    [Theory]
    [InlineData(" abcd1234-100 ", "ABCD1234-100")]
    [InlineData("\uFEFFXC4XXXXM-100", "XC4XXXXM-100")]
    public void ClientId_Normalize_AcceptsPastedIds(string input, string expected)
    {
        Assert.Equal(expected, ClientId.Normalize(input, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("ABCD1234")]
    [InlineData("ABCD 1234-100")]
    [InlineData("")]
    public void ClientId_Normalize_RefusesWithAdvice(string input)
    {
        Assert.Null(ClientId.Normalize(input, out var error));
        Assert.Contains("ABCD1234-100", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_ToString_HidesToken()
    {
        var credentials = new FyersCredentials("ABCD1234-100", "secret-token-value");
        Assert.DoesNotContain("secret-token-value", credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-value", new FyersTokens("secret-token-value", "refresh-value").ToString(), StringComparison.Ordinal);
    }

    private const string ExpectedHash = "def1022867a50837dcf726dd154cfc122192e1c22c7a8947f03205ebc36e3c14";
}
