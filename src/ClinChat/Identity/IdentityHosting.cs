using ClinChat.Identity.Ldap;
using ClinChat.Identity.Login;
using ClinChat.Identity.Sessions;
using ClinChat.Identity.Tokens;
using ClinChat.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;

namespace ClinChat.Identity;

/// <summary>
/// Authentication (JWT bearer tokens bound to server-side sessions), authorisation (the policy table, default deny)
/// and the web hardening around them. <c>AddIdentityServices</c> and <c>UseIdentityServices</c> are the host's hooks.
/// </summary>
internal static class IdentityHosting
{
    /// <summary>Where a refused session's state is left for the challenge (idle logoff gets its own problem type).</summary>
    private const string SessionStateItem = "clinchat.session_state";

    /// <summary>The identity engine over the host's <c>StoreDatabase</c> singleton (registered by <c>AddStoreDatabase</c>).</summary>
    public static WebApplicationBuilder AddIdentityServices(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var options = configuration.GetSection(IdentityOptions.Section).Get<IdentityOptions>() ?? new IdentityOptions();
        var ldap = configuration.GetSection(LdapOptions.Section).Get<LdapOptions>() ?? new LdapOptions();
        var key = JwtSigningKey.Load(DeploymentMode.JwtKeyFile(configuration), DeploymentMode.IsProduction(configuration));

        builder.Services.AddIdentityEngine(options, ldap, key);
        builder.Services.AddHostedService<IdentityStartup>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<AccessTokens>((bearer, tokens) =>
        {
            bearer.MapInboundClaims = false;
            bearer.TokenValidationParameters = tokens.ValidationParameters();
            bearer.Events = new JwtBearerEvents
            {
                OnTokenValidated = ValidateSessionAsync,
                OnChallenge = ChallengeAsync,
            };
        });

        // No [Authorize] attributes to forget: every endpoint goes through the policy table.
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().AddRequirements(new EndpointPolicyRequirement()).Build());
        builder.Services.AddSingleton<IAuthorizationHandler, EndpointPolicyHandler>();
        builder.AddWebHardening();
        return builder;
    }

    public static WebApplication UseIdentityServices(this WebApplication app)
    {
        app.UseWebHardening();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// After the signature and lifetime checks: the token's session must be live and recently used (automatic logoff).
    /// An MFA-enrolment token (no session, no roles) is good for the enrolment endpoints only.
    /// </summary>
    private static async Task ValidateSessionAsync(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        if (principal.FindFirst(ClinChatClaims.Purpose)?.Value is { } purpose)
        {
            if (purpose != ClinChatClaims.EnrollmentPurpose || !context.HttpContext.Request.Path.StartsWithSegments("/api/auth/mfa"))
            {
                context.Fail("token not valid for this endpoint");
            }

            return;
        }

        var sessionId = principal.FindFirst(ClinChatClaims.Session)?.Value;
        var username = principal.FindFirst(ClinChatClaims.Subject)?.Value;
        if (sessionId is null || username is null)
        {
            context.Fail("token without session");
            return;
        }

        var signIn = context.HttpContext.RequestServices.GetRequiredService<SignInService>();
        var state = await signIn.CheckSessionAsync(username, sessionId, context.HttpContext.RequestAborted);
        if (state != SessionState.Active)
        {
            IdentityHostLog.SessionRefused(context.HttpContext.RequestServices.GetRequiredService<ILogger<SignInService>>(), state.ToString());
            context.HttpContext.Items[SessionStateItem] = state;
            context.Fail("session " + state);
        }
    }

    private static async Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        if (context.HttpContext.Items[SessionStateItem] is not SessionState state)
        {
            return;
        }

        context.HandleResponse();
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\", error_description=\"the session has ended\"";
        var detail = state == SessionState.Idle ? "Signed out after inactivity: sign in again." : "The session has ended: sign in again.";
        await AuthProblems.WriteAsync(context.HttpContext, AuthProblems.SessionExpired, "Session ended", detail);
    }
}

/// <summary>Says at start where the signing key came from (never the key).</summary>
internal sealed class IdentityStartup(JwtSigningKey key, ILogger<IdentityStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (key.IsEphemeral)
        {
            IdentityHostLog.EphemeralKey(logger);
        }
        else
        {
            IdentityHostLog.KeyLoaded(logger, key.KeyId, key.Source);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
