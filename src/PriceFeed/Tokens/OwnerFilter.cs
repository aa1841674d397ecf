using PriceFeed.Web;

namespace PriceFeed.Tokens;

/// <summary>
/// An endpoint filter for what only the owner's browser may see or change (<see cref="OwnerAccess"/>):
/// anyone else gets 403 with the sentence given, and an audit line.
/// </summary>
internal static class OwnerFilter
{
    public static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Only(string refusal, string? auditArea = null) =>
        async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var snapshot = await context.RequestServices.GetRequiredService<TokenVault>().ReadAsync(context.RequestAborted);
            if (context.RequestServices.GetRequiredService<OwnerAccess>().IsOwner(context, snapshot))
            {
                return await next(invocation);
            }

            // Refused reads are audited too (issue 20, W5): someone looking for the owner's data is news.
            context.RequestServices.GetRequiredService<AuditLog>().Refused(context, auditArea ?? "owner-only", "not the owner");

            return TypedResults.Problem(refusal, statusCode: 403, title: "Owner only");
        };
}
