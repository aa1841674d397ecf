using PriceFeed.Web;

namespace PriceFeed.Tokens;

/// <summary>
/// An endpoint filter for what only the owner's browser may see or change (<see cref="OwnerAccess"/>):
/// anyone else gets 403 with the sentence given, and, for changes, an audit line.
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

            if (auditArea is not null)
            {
                context.RequestServices.GetRequiredService<AuditLog>().Refused(context, auditArea, "not the owner");
            }

            return TypedResults.Problem(refusal, statusCode: 403, title: "Owner only");
        };
}
