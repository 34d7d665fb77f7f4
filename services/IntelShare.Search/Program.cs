using IntelShare.Projections;
using IntelShare.Search.Extensions;
using IntelShare.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSearchServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapSearchEndpoints();
app.MapProjectionEndpoints();
app.RunService();
