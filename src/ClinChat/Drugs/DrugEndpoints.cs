namespace ClinChat.Drugs;

internal static class DrugEndpoints
{
    public static IServiceCollection AddDrugs(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapDrugEndpoints(this IEndpointRouteBuilder app) => app;
}
