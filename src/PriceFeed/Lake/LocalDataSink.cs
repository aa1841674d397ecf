namespace PriceFeed.Lake;

/// <summary>The laptop's lake: files under a folder, each replaced by write-then-rename.</summary>
public sealed class LocalDataSink(string root) : IDataSink
{
    public string Root { get; } = Path.GetFullPath(root);

    public async Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }

    public async Task<bool> ReadToFileAsync(string key, string path, CancellationToken cancellationToken)
    {
        var source = PathOf(key);
        if (!File.Exists(source))
        {
            return false;
        }

        await using var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using var to = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await from.CopyToAsync(to, cancellationToken);
        return true;
    }

    public async Task WriteFileAsync(string key, string path, CancellationToken cancellationToken)
    {
        await using var from = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await WriteWithAsync(key, (to, ct) => new ValueTask(from.CopyToAsync(to, ct)), cancellationToken);
    }

    public async Task<(byte[] Bytes, string Version)?> ReadVersionAsync(string key, CancellationToken cancellationToken) =>
        await ReadAsync(key, cancellationToken) is { } bytes ? (bytes, VersionOf(bytes)) : null;

    /// <summary>
    /// The version is the content's SHA-256. A sidecar file opened for this process alone makes the
    /// compare and the replace one step against other processes; the new bytes are moved into place
    /// from a file the writer lock's sweep of temporary files leaves alone.
    /// </summary>
    public async Task<string?> WriteIfAsync(string key, ReadOnlyMemory<byte> content, string? ifVersion, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        while (true)
        {
            FileStream gate;
            try
            {
                gate = new FileStream(path + ".cas", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(10, cancellationToken);
                continue;
            }

            await using (gate)
            {
                var current = File.Exists(path) ? VersionOf(await File.ReadAllBytesAsync(path, cancellationToken)) : null;
                if (current != ifVersion)
                {
                    return null;
                }

                var temp = $"{path}.{Guid.NewGuid():N}.cas-new";
                await File.WriteAllBytesAsync(temp, content.ToArray(), cancellationToken);
                File.Move(temp, path, overwrite: true);
                return VersionOf(content.Span);
            }
        }
    }

    private static string VersionOf(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    public Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        WriteWithAsync(key, (to, ct) => to.WriteAsync(content, ct), cancellationToken);

    /// <summary>Into a temporary file beside the target, then moved over it: a reader sees the old bytes or the new ones.</summary>
    private async Task WriteWithAsync(string key, Func<Stream, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.WriteThrough))
            {
                await write(stream, cancellationToken);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            // A full disk or a cancelled write leaves the old file whole and no temporary file behind.
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Swept by the next run that takes the writer lock.
            }

            if (e is OperationCanceledException)
            {
                throw;
            }

            throw new LakeFileException($"Could not write {path}: {e.Message} Is the disk full or the folder read-only? Nothing stored was changed.", e);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var directory = PathOf(prefix);
        if (!Directory.Exists(directory))
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        IReadOnlyList<string> keys = [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];
        return Task.FromResult(keys);
    }

    /// <summary>
    /// An exclusive OS lock on _state/writer.lock (flock on Linux and macOS, a share lock on Windows),
    /// released by the OS if the process dies, so a crashed run never leaves the lake locked. The lock
    /// file is never deleted: a waiter could otherwise lock a file that is no longer the lock.
    /// </summary>
    public async Task<(IAsyncDisposable? Lease, WriterClaim? Holder)> TryLockWriterAsync(WriterClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var lockPath = PathOf(LakeKeys.WriterLock);
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        FileStream held;
        try
        {
            held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return (null, WriterClaim.TryRead(await ReadAsync(LakeKeys.WriterHolder, cancellationToken)) ?? new WriterClaim("a run", "this machine", 0, DateTimeOffset.MinValue, DateTimeOffset.MaxValue));
        }

        await WriteAsync(LakeKeys.WriterHolder, claim.Serialize(), cancellationToken);
        SweepTemporaryFiles();
        return (new LocalLease(held, PathOf(LakeKeys.WriterHolder)), null);
    }

    /// <summary>Temporary files of writes that never finished (a killed run), as lake-relative paths.</summary>
    public IReadOnlyList<string> TemporaryFiles() => Directory.Exists(Root)
        ? [.. Directory.EnumerateFiles(Root, "*.tmp", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal)]
        : [];

    /// <summary>Temporary files a killed run left behind. Only the lock holder writes, so none of them is in use.</summary>
    private void SweepTemporaryFiles()
    {
        foreach (var stray in Directory.EnumerateFiles(Root, "*.tmp", SearchOption.AllDirectories))
        {
            try
            {
                File.Delete(stray);
            }
            catch (IOException)
            {
            }
        }
    }

    private sealed class LocalLease(FileStream held, string holderPath) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            File.Delete(holderPath);
            await held.DisposeAsync();
        }
    }

    private string PathOf(string key)
    {
        if (key.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(key))
        {
            throw new ArgumentException($"'{key}' is not a lake key.", nameof(key));
        }

        return Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));
    }
}
