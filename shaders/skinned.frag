#version 330 core
// A skinned character's surface: base colour (factor x vertex colour x texture),
// optional tangent-space normal map, lit like shaders/lit.frag (hemisphere ambient,
// one directional light, a soft rim) with the same fog.
in vec3 v_world;
in vec3 v_normal;
in vec4 v_tangent;
in vec2 v_uv;
in vec4 v_colour;

uniform vec4 u_base_colour;
uniform sampler2D u_base_texture;
uniform sampler2D u_normal_texture;
uniform int u_textures;       // bit 0: base colour texture, bit 1: normal texture
uniform float u_normal_scale;
uniform float u_alpha_cutoff;  // < 0: no cut-out
uniform float u_opacity;       // 1 normally; below 1 to show the skeleton through
uniform float u_specular;
uniform vec3 u_light_dir;      // from the light into the scene, unit
uniform vec3 u_eye;
uniform vec3 u_fog_colour;
uniform float u_fog_start;
uniform float u_fog_end;

out vec4 frag_colour;

vec3 surface_normal() {
    vec3 n = normalize(v_normal);
    if ((u_textures & 2) == 0 || v_tangent.w == 0.0) {
        return n;
    }
    vec3 t = normalize(v_tangent.xyz - n * dot(n, v_tangent.xyz));
    vec3 b = cross(n, t) * v_tangent.w;
    vec3 m = texture(u_normal_texture, v_uv).xyz * 2.0 - 1.0;
    m.xy *= u_normal_scale;
    return normalize(mat3(t, b, n) * m);
}

void main() {
    vec4 base = u_base_colour * v_colour;
    if ((u_textures & 1) != 0) {
        base *= texture(u_base_texture, v_uv);
    }
    if (base.a < u_alpha_cutoff) {
        discard;
    }
    vec3 n = surface_normal();
    vec3 v = normalize(u_eye - v_world);
    if (!gl_FrontFacing) {
        n = -n;  // double-sided materials and fur shells seen from inside
    }
    vec3 l = -u_light_dir;
    float diffuse = max(dot(n, l), 0.0);
    float sky = 0.5 + 0.5 * n.y;
    vec3 ambient = mix(vec3(0.28, 0.25, 0.22), vec3(0.52, 0.56, 0.64), sky);
    vec3 h = normalize(l + v);
    float spec = pow(max(dot(n, h), 0.0), 24.0) * u_specular;
    float rim = pow(1.0 - max(dot(n, v), 0.0), 3.0) * 0.12;
    vec3 c = base.rgb * (ambient + 0.75 * diffuse) + vec3(spec + rim);
    float fog = clamp((length(u_eye - v_world) - u_fog_start) / (u_fog_end - u_fog_start), 0.0, 1.0);
    frag_colour = vec4(mix(c, u_fog_colour, fog), base.a * u_opacity);
}
