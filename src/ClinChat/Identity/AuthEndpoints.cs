using System.Security.Claims;
using ClinChat.Identity.Login;
using ClinChat.Identity.Tokens;

namespace ClinChat.Identity;

internal sealed record LoginRequest(string? Username, string? Password, string? Totp);

internal sealed record RefreshRequest(string? RefreshToken);

internal sealed record MfaConfirmRequest(string? Totp);

internal sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType = "Bearer");

internal sealed record MeResponse(string Username, IReadOnlyList<string> Roles, IReadOnlyList<string> AuthenticationMethods);

internal sealed record MfaEnrollResponse(string Secret, string OtpauthUri);

internal sealed record MfaConfirmResponse(IReadOnlyList<string> RecoveryCodes);

/// <summary>Problem types of the authentication API (RFC 7807 <c>type</c>): clients branch on them.</summary>
internal static class AuthProblems
{
    public const string InvalidCredentials = "urn:clinchat:problem:invalid-credentials";
    public const string MfaRequired = "urn:clinchat:problem:mfa-required";
    public const string InvalidMfaCode = "urn:clinchat:problem:invalid-mfa-code";
    public const string MfaEnrollmentRequired = "urn:clinchat:problem:mfa-enrollment-required";
    public const string LockedOut = "urn:clinchat:problem:account-locked";
    public const string InvalidRefreshToken = "urn:clinchat:problem:invalid-refresh-token";
    public const string RefreshTokenReused = "urn:clinchat:problem:refresh-token-reused";
    public const string SessionExpired = "urn:clinchat:problem:session-expired";

    public static ProblemHttpResult From(SignInResult result, HttpContext http, int status = StatusCodes.Status401Unauthorized)
    {
        var (type, title, detail) = result.Failure switch
        {
            SignInFailure.MfaRequired => (MfaRequired, "MFA code required", "Send the current code of your authenticator app (or a recovery code) as \"totp\"."),
            SignInFailure.InvalidMfaCode => (InvalidMfaCode, "Invalid MFA code", "The code is wrong, expired or already used."),
            SignInFailure.MfaEnrollmentRequired => (MfaEnrollmentRequired, "MFA enrolment required", "Your role requires a second factor: enrol with the enrollment_token at /api/auth/mfa/enroll, then sign in with a code."),
            SignInFailure.LockedOut => (LockedOut, "Account locked", "Too many failed attempts: try again later or ask an administrator."),
            SignInFailure.InvalidRefreshToken => (InvalidRefreshToken, "Invalid refresh token", "Sign in again."),
            SignInFailure.RefreshTokenReused => (RefreshTokenReused, "Refresh token reused", "The token was already used: the session is revoked. Sign in again."),
            SignInFailure.SessionExpired => (SessionExpired, "Session ended", "Sign in again."),
            _ => (InvalidCredentials, "Invalid credentials", "The user name or password is wrong."),
        };
        var extensions = new Dictionary<string, object?>
        {
            ["mfa_required"] = result.Failure is SignInFailure.MfaRequired or SignInFailure.InvalidMfaCode or SignInFailure.MfaEnrollmentRequired,
        };
        if (result.EnrollmentToken is not null)
        {
            extensions["enrollment_token"] = result.EnrollmentToken;
        }

        if (result.RetryAfter is { } until)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling((until - http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()).TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(detail, statusCode: status, title: title, type: type, extensions: extensions);
    }

    public static async Task WriteAsync(HttpContext http, string type, string title, string detail)
    {
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new Mvc.ProblemDetails { Type = type, Title = title, Detail = detail, Status = http.Response.StatusCode },
        });
    }
}

/// <summary><c>/api/auth</c>: sign-in, token refresh, logoff and TOTP enrolment.</summary>
internal static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Authentication");
        auth.MapPost("/login", LoginAsync);
        auth.MapPost("/refresh", RefreshAsync);
        auth.MapPost("/logout", LogoutAsync);
        auth.MapGet("/me", Me);
        auth.MapPost("/mfa/enroll", EnrollAsync);
        auth.MapPost("/mfa/confirm", ConfirmAsync);
        return app;
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> LoginAsync(LoginRequest request, SignInService signIn, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await signIn.SignInAsync(request.Username?.Trim(), request.Password, request.Totp, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(ToResponse(result.Tokens!)) : AuthProblems.From(result, http);
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshAsync(RefreshRequest request, SignInService signIn, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await signIn.RefreshAsync(request.RefreshToken, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(ToResponse(result.Tokens!)) : AuthProblems.From(result, http);
    }

    private static async Task<NoContent> LogoutAsync(ClaimsPrincipal user, SignInService signIn, CancellationToken cancellationToken)
    {
        if (user.FindFirst(ClinChatClaims.Session)?.Value is { } sessionId)
        {
            await signIn.SignOutAsync(user.Identity!.Name!, sessionId, cancellationToken);
        }

        return TypedResults.NoContent();
    }

    private static Ok<MeResponse> Me(ClaimsPrincipal user) => TypedResults.Ok(new MeResponse(
        user.Identity!.Name!,
        [.. user.FindAll(ClinChatClaims.Role).Select(c => c.Value)],
        [.. user.FindAll(ClinChatClaims.AuthenticationMethods).Select(c => c.Value)]));

    private static async Task<Results<Ok<MfaEnrollResponse>, Conflict<Mvc.ProblemDetails>>> EnrollAsync(ClaimsPrincipal user, SignInService signIn, CancellationToken cancellationToken)
    {
        var enrollment = await signIn.BeginEnrollmentAsync(user.Identity!.Name!, cancellationToken);
        return enrollment is null
            ? TypedResults.Conflict(new Mvc.ProblemDetails { Title = "MFA already enrolled", Detail = "An administrator resets a lost factor with `clinchat users reset-mfa`.", Status = 409 })
            : TypedResults.Ok(new MfaEnrollResponse(enrollment.Secret, enrollment.OtpAuthUri));
    }

    private static async Task<Results<Ok<MfaConfirmResponse>, ProblemHttpResult>> ConfirmAsync(MfaConfirmRequest request, ClaimsPrincipal user, SignInService signIn, HttpContext http, CancellationToken cancellationToken)
    {
        var codes = await signIn.ConfirmEnrollmentAsync(user.Identity!.Name!, request.Totp, cancellationToken);
        return codes is null
            ? AuthProblems.From(new SignInResult(SignInFailure.InvalidMfaCode), http, StatusCodes.Status400BadRequest)
            : TypedResults.Ok(new MfaConfirmResponse(codes));
    }

    private static TokenResponse ToResponse(AuthTokens tokens) => new(tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresIn);
}
