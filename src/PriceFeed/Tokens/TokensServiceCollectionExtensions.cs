using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace PriceFeed.Tokens;

internal static class TokensServiceCollectionExtensions
{
    /// <summary>The token store (local encrypted file by default) and the vault over it.</summary>
    public static IServiceCollection AddTokenVault(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TokenStoreOptions>()
            .Bind(configuration.GetSection(TokenStoreOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TokenStoreOptions>, TokenStoreOptionsValidator>();

        var options = new TokenStoreOptions();
        configuration.GetSection(TokenStoreOptions.SectionName).Bind(options);
        var dataProtection = services.AddDataProtection().SetApplicationName("PriceFeed");
        if (options.UsesSsm)
        {
            services.AddSingleton<Amazon.SimpleSystemsManagement.IAmazonSimpleSystemsManagement>(_ =>
            {
                var config = new Amazon.SimpleSystemsManagement.AmazonSimpleSystemsManagementConfig();
                if (options.SsmServiceUrl is not null)
                {
                    config.ServiceURL = options.SsmServiceUrl.AbsoluteUri;
                    config.AuthenticationRegion = "ap-south-1";
                }

                return new Amazon.SimpleSystemsManagement.AmazonSimpleSystemsManagementClient(config);
            });
            services.AddSingleton<ITokenStore, SsmTokenStore>();

            // Cookies issued by one Lambda instance must open on another: the key ring lives in SSM too.
            services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
                .Configure<Amazon.SimpleSystemsManagement.IAmazonSimpleSystemsManagement>((o, ssm) =>
                    o.XmlRepository = new SsmXmlRepository(ssm, options.Project, options.KmsKeyId));
        }
        else
        {
            var dataDirectory = options.ResolveDataDirectory();
            var keys = new DirectoryInfo(Path.Combine(dataDirectory, "keys"));
            if (!OperatingSystem.IsWindows())
            {
                // Owner-only before the first key is written: Data Protection keys are the token file's key.
                const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
                Directory.CreateDirectory(dataDirectory, ownerOnly);
                Directory.CreateDirectory(keys.FullName, ownerOnly);
                TightenToOwner(dataDirectory, keys);
            }

            dataProtection.PersistKeysToFileSystem(keys);
            services.AddSingleton<ITokenStore, LocalTokenStore>();
        }

        // Data Protection loads (or creates) its key ring in a hosted service before the server starts
        // listening. With the ring in SSM that is a network call in every cold start, and the
        // ingestion function never needs a key at all. Loaded on first use instead: the first
        // cookie a token-page instance seals or opens pays it once.
        var eager = services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "DataProtectionHostedService").ToList();
        foreach (var descriptor in eager)
        {
            services.Remove(descriptor);
        }

        services.AddSingleton<TokenStoredSignal>();
        services.AddSingleton<TokenVault>();
        services.AddSingleton<OwnerAccess>();
        return services;
    }

    /// <summary>
    /// A folder made by an older version, or by hand, may be 0755: it is tightened to 0700 at every
    /// start, and the key files and the token file to 0600 (CreateDirectory leaves existing modes).
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void TightenToOwner(string dataDirectory, DirectoryInfo keys)
    {
        const UnixFileMode ownerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        const UnixFileMode ownerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(dataDirectory, ownerOnlyDirectory);
        File.SetUnixFileMode(keys.FullName, ownerOnlyDirectory);
        foreach (var file in keys.EnumerateFiles().Concat(new DirectoryInfo(dataDirectory).EnumerateFiles()))
        {
            if ((file.UnixFileMode & ~ownerOnlyFile) != 0)
            {
                file.UnixFileMode = ownerOnlyFile;
            }
        }
    }
}

[OptionsValidator]
internal sealed partial class TokenStoreOptionsValidator : IValidateOptions<TokenStoreOptions>;
