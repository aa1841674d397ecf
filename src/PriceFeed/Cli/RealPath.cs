namespace PriceFeed.Cli;

/// <summary>
/// A path with every symbolic link and '..' resolved, like POSIX realpath(3), also for a file that
/// does not exist yet (its folder is resolved). Path.GetFullPath only normalizes the text, so
/// "out/../x" or a link to the lake would pass a check on the text. Written here because .NET has
/// no realpath for a path whose last part does not exist.
/// </summary>
internal static class RealPath
{
    private const int MaxLinks = 40; // as Linux's ELOOP limit

    public static string Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var links = 0;
        return Resolve(Path.GetFullPath(path, Directory.GetCurrentDirectory()), ref links);
    }

    private static string Resolve(string absolute, ref int links)
    {
        var root = Path.GetPathRoot(absolute)!;
        var current = root;
        foreach (var part in absolute[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }

            var next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    throw new IOException($"Too many symbolic links in {absolute}.");
                }

                next = Resolve(Path.GetFullPath(target, current), ref links);
            }

            current = next;
        }

        return current;
    }
}
