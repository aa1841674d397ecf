namespace PriceFeed.Lake;

/// <summary>A lake file that cannot be read or written; the message names it and says what to do. Nothing stored was changed.</summary>
public sealed class LakeFileException(string message, Exception inner) : IOException(message, inner);
