using IntelShare.Access.Extensions;
using IntelShare.Audit.Extensions;
using IntelShare.ServiceDefaults;

// Access and the audit log it writes to run together: every decision is audited in-process.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddAuditServices();
builder.AddAccessServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAuditEndpoints();
app.MapAccessEndpoints();
app.RunService();
