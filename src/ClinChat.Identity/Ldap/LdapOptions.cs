namespace ClinChat.Identity.Ldap;

/// <summary>Directory sign-in, bound from <c>ClinChat:Ldap</c>. Off while <see cref="Host"/> is empty.</summary>
public sealed class LdapOptions
{
    public const string Section = "ClinChat:Ldap";

    public string? Host { get; set; }

    public int Port { get; set; } = 389;

    /// <summary>LDAPS (usually port 636).</summary>
    public bool UseSsl { get; set; }

    /// <summary>StartTLS on the plain port before any bind.</summary>
    public bool StartTls { get; set; }

    /// <summary>Service account that searches for users and groups; without it the user's own bind searches.</summary>
    public string? BindDn { get; set; }

    /// <summary>File holding the service account's password (never the password itself in configuration).</summary>
    public string? BindPasswordFile { get; set; }

    /// <summary>Direct bind DN, e.g. <c>uid={0},ou=people,dc=example,dc=org</c>; used when set, instead of a search.</summary>
    public string? UserDnTemplate { get; set; }

    public string? UserSearchBase { get; set; }

    /// <summary><c>{0}</c> is the escaped user name. For Active Directory: <c>(sAMAccountName={0})</c>.</summary>
    public string UserFilter { get; set; } = "(uid={0})";

    public string? GroupSearchBase { get; set; }

    /// <summary><c>{0}</c> is the escaped user DN, <c>{1}</c> the escaped user name.</summary>
    public string GroupFilter { get; set; } = "(|(&(objectClass=groupOfNames)(member={0}))(&(objectClass=groupOfUniqueNames)(uniqueMember={0}))(&(objectClass=posixGroup)(memberUid={1})))";

    /// <summary>Group (its CN or full DN, case-insensitive) → ClinChat role. A user in no mapped group cannot sign in.</summary>
    public Dictionary<string, string> GroupRoles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public string? Validate()
    {
        if (!Enabled)
        {
            return null;
        }

        if (UseSsl && StartTls)
        {
            return $"{Section}: set UseSsl or StartTls, not both";
        }

        if (string.IsNullOrWhiteSpace(UserDnTemplate) && string.IsNullOrWhiteSpace(UserSearchBase))
        {
            return $"{Section}: set UserDnTemplate or UserSearchBase";
        }

        if (!string.IsNullOrWhiteSpace(BindDn) && string.IsNullOrWhiteSpace(BindPasswordFile))
        {
            return $"{Section}:BindPasswordFile is required with BindDn";
        }

        if (GroupRoles.Count == 0)
        {
            return $"{Section}:GroupRoles maps no group to a role: nobody could sign in";
        }

        var unknown = GroupRoles.Values.FirstOrDefault(r => !Roles.IsKnown(r));
        return unknown is null ? null : $"{Section}:GroupRoles maps to unknown role '{unknown}' (known: {string.Join(", ", Roles.All)})";
    }
}
