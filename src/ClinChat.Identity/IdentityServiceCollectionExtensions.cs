using ClinChat.Identity.Ldap;
using ClinChat.Identity.Login;
using ClinChat.Identity.Mfa;
using ClinChat.Identity.Passwords;
using ClinChat.Identity.Sessions;
using ClinChat.Identity.Tokens;
using ClinChat.Identity.Users;
using ClinChat.Storage.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClinChat.Identity;

/// <summary>Registration of the identity engine, shared by the web host and the CLI.</summary>
public static class IdentityServiceCollectionExtensions
{
    /// <summary>
    /// Registers sign-in, sessions, tokens and account administration over the <see cref="StoreDatabase"/> registered in
    /// the container (SQLite or PostgreSQL; its schema is <see cref="IdentitySchema.Schema"/>, applied by whoever owns the
    /// database: the host's schema catalogue or <c>clinchat db migrate</c>). An <see cref="ISecretProtector"/> or
    /// <see cref="IIdentityEventSink"/> registered before this call wins over the defaults.
    /// </summary>
    public static IServiceCollection AddIdentityEngine(this IServiceCollection services, IdentityOptions options, LdapOptions ldap, JwtSigningKey signingKey)
    {
        if (options.Validate() is { } error)
        {
            throw new IdentityConfigurationException(error);
        }

        if (ldap.Validate() is { } ldapError)
        {
            throw new IdentityConfigurationException(ldapError);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options);
        services.TryAddSingleton(ldap);
        services.TryAddSingleton(signingKey);
        services.TryAddSingleton<ISecretProtector, UnprotectedSecretStore>();
        services.TryAddSingleton<IIdentityEventSink, LoggingIdentityEventSink>();
        services.TryAddSingleton<UserStore>();
        services.TryAddSingleton<SessionStore>();
        services.TryAddSingleton<PasswordHashing>();
        services.TryAddSingleton(sp => new PasswordPolicy(sp.GetRequiredService<IdentityOptions>()));
        services.TryAddSingleton<AccessTokens>();
        services.TryAddSingleton<LdapAuthenticator>();
        services.TryAddSingleton<SignInService>();
        services.TryAddSingleton<UserAdministration>();
        return services;
    }
}
