using IntelShare.Projections;
using IntelShare.Graph.Extensions;
using IntelShare.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGraphServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGraphEndpoints();
app.MapProjectionEndpoints();
app.RunService();
