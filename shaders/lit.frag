#version 330 core
// Hemisphere ambient + one directional light + a soft rim, with distance fog.
in vec3 v_world;
in vec3 v_normal;
in vec4 v_colour;

uniform vec3 u_light_dir;   // from the light into the scene, unit
uniform vec3 u_eye;
uniform vec3 u_fog_colour;
uniform float u_fog_start;
uniform float u_fog_end;

out vec4 frag_colour;

void main() {
    vec3 n = normalize(v_normal);
    vec3 l = -u_light_dir;
    vec3 v = normalize(u_eye - v_world);
    float diffuse = max(dot(n, l), 0.0);
    float sky = 0.5 + 0.5 * n.y;
    vec3 ambient = mix(vec3(0.28, 0.25, 0.22), vec3(0.52, 0.56, 0.64), sky);
    vec3 h = normalize(l + v);
    float spec = pow(max(dot(n, h), 0.0), 32.0) * 0.18;
    float rim = pow(1.0 - max(dot(n, v), 0.0), 3.0) * 0.15;
    vec3 c = v_colour.rgb * (ambient + 0.75 * diffuse) + vec3(spec + rim);
    float fog = clamp((length(u_eye - v_world) - u_fog_start) / (u_fog_end - u_fog_start), 0.0, 1.0);
    frag_colour = vec4(mix(c, u_fog_colour, fog), v_colour.a);
}
