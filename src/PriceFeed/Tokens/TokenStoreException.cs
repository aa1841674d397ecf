namespace PriceFeed.Tokens;

/// <summary>The token store cannot be read or written; the message says what to do.</summary>
public sealed class TokenStoreException : Exception
{
    public TokenStoreException()
    {
    }

    public TokenStoreException(string message)
        : base(message)
    {
    }

    public TokenStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
