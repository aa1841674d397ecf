using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace PriceFeed.Tokens;

/// <summary>
/// The laptop's parameter store: one file encrypted with ASP.NET Core Data Protection, readable only
/// by its owner, replaced atomically (write, then rename) so a reader never sees half a file. A lock
/// file serialises the CLI and the server when both write.
/// </summary>
internal sealed class LocalTokenStore : ITokenStore
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly IDataProtector protector;
    private readonly string directory;
    private readonly string file;
    private readonly string project;
    private readonly SemaphoreSlim gate = new(1, 1);

    public LocalTokenStore(IDataProtectionProvider dataProtection, IOptions<TokenStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(dataProtection);
        ArgumentNullException.ThrowIfNull(options);
        project = options.Value.Project;
        directory = options.Value.ResolveDataDirectory();
        file = Path.Combine(directory, $"{project}.tokens");
        protector = dataProtection.CreateProtector("PriceFeed.Tokens.LocalTokenStore.v1", project);
    }

    public string FilePath => file;

    public async Task<IReadOnlyDictionary<string, string>> GetAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var all = await ReadAsync(cancellationToken);
        return names.Where(all.ContainsKey).ToDictionary(n => n, n => all[n], StringComparer.Ordinal);
    }

    public async Task<IReadOnlyCollection<string>> PutAsync(IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        return await UpdateAsync(
            all =>
            {
                var changed = values.Where(v => !all.TryGetValue(v.Key, out var old) || old != v.Value).Select(v => v.Key).ToList();
                foreach (var name in changed)
                {
                    all[name] = values[name];
                }

                return changed;
            },
            cancellationToken);
    }

    public Task DeleteAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken) =>
        UpdateAsync(all => names.Where(all.Remove).ToList(), cancellationToken);

    private async Task<IReadOnlyCollection<string>> UpdateAsync(Func<Dictionary<string, string>, List<string>> change, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            EnsureDirectory();
            await using var processLock = await AcquireFileLockAsync(cancellationToken);
            var all = await ReadAsync(cancellationToken);
            var changed = change(all);
            if (changed.Count > 0)
            {
                await WriteAsync(all, cancellationToken);
            }

            return changed;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<Dictionary<string, string>> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        var protectedBytes = await File.ReadAllBytesAsync(file, cancellationToken);
        byte[] plain;
        try
        {
            plain = protector.Unprotect(protectedBytes);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new TokenStoreException(
                $"The token file {file} cannot be decrypted: its Data Protection key in {Path.Combine(directory, "keys")} is missing or different. " +
                "Restore the keys folder, or delete the token file and log in again (you will need to enter the app secret again).", e);
        }

        return JsonSerializer.Deserialize(plain, TokenStoreJsonContext.Default.DictionaryStringString) ?? new(StringComparer.Ordinal);
    }

    private async Task WriteAsync(Dictionary<string, string> all, CancellationToken cancellationToken)
    {
        var bytes = protector.Protect(JsonSerializer.SerializeToUtf8Bytes(all, TokenStoreJsonContext.Default.DictionaryStringString));
        var temp = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        await using (var stream = new FileStream(temp, options))
        {
            await stream.WriteAsync(bytes, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }

        File.Move(temp, file, overwrite: true);
    }

    private void EnsureDirectory()
    {
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, OwnerOnlyDirectory);
            }
        }
    }

    private async Task<FileStream> AcquireFileLockAsync(CancellationToken cancellationToken)
    {
        var lockPath = file + ".lock";
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (attempt < 100)
            {
                // Another pricefeed process is writing; it holds the lock for milliseconds.
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }
        }
    }
}
