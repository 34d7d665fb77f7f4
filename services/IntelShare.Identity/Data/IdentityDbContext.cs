using Microsoft.EntityFrameworkCore;

namespace IntelShare.Identity.Data;

/// <summary>Directory (agencies, users, client registrations) and OpenIddict's own tables in one SQLite file.</summary>
public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options)
{
    public DbSet<Agency> Agencies => Set<Agency>();

    public DbSet<User> Users => Set<User>();

    public DbSet<ClientRegistration> ClientRegistrations => Set<ClientRegistration>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<Agency>(agency =>
        {
            agency.HasKey(a => a.Code);
            agency.Property(a => a.Code).HasMaxLength(32);
            agency.Property(a => a.Name).HasMaxLength(200);
            agency.Property(a => a.Country).HasMaxLength(2);
            agency.Property(a => a.Kind).HasMaxLength(64);
        });

        modelBuilder.Entity<User>(user =>
        {
            user.HasKey(u => u.Id);
            user.Property(u => u.UserName).HasMaxLength(128);
            // User names are typed at a terminal; "Analyst" and "analyst" must not be two people.
            user.Property(u => u.UserName).UseCollation("NOCASE");
            user.HasIndex(u => u.UserName).IsUnique();
            user.Property(u => u.Clearance).HasConversion<string>().HasMaxLength(32);
            user.HasOne<Agency>().WithMany().HasForeignKey(u => u.AgencyCode).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<ClientRegistration>(client =>
        {
            client.HasKey(c => c.ClientId);
            client.Property(c => c.Clearance).HasConversion<string>().HasMaxLength(32);
            client.HasOne<Agency>().WithMany().HasForeignKey(c => c.AgencyCode).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
