namespace ClinChat.Phi;

internal static class PhiEndpoints
{
    public static IServiceCollection AddPhi(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapPhiEndpoints(this IEndpointRouteBuilder app) => app;
}
